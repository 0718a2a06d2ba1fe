/* SPDX-License-Identifier: MIT */
/* Errors and notes: the core reports by filling structs, never by printing. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Fill err and return code, so a caller can write `return corral_fail(...)`. */
int corral_fail(struct corral_error *err, int code, const char *hint,
		const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
		snprintf(err->hint, sizeof(err->hint), "%s", hint ? hint : "");
		err->code = code;
	}
	return code;
}

void corral_note(struct corral_plan *plan, const char *fmt, ...)
{
	va_list ap;
	char *text;

	if (plan->n_notes >= CORRAL_MAX_NOTES)
		return;
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) >= 0)
		plan->notes[plan->n_notes++] = text;
	va_end(ap);
}

size_t corral_plan_note_count(const struct corral_plan *plan)
{
	return plan->n_notes;
}

const char *corral_plan_note(const struct corral_plan *plan, size_t i)
{
	return i < plan->n_notes ? plan->notes[i] : NULL;
}
