/* SPDX-License-Identifier: MIT */
/*
 * Where each JSON value stands in its text, so that a profile error can
 * say FILE:LINE:COLUMN.  cJSON keeps no positions; its nodes come in
 * document order, so a scan that records every value's offset in that
 * same order can be matched to a pre-order walk of the tree.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "internal.h"

struct scan {
	const char *text;
	size_t at;
	struct corral_json_map *map;
};

static int record(struct scan *s, size_t key_at)
{
	struct corral_json_map *m = s->map;
	size_t *v, *k;

	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		v = realloc(m->value_at, m->cap * sizeof(*v));
		if (v)
			m->value_at = v;
		k = realloc(m->key_at, m->cap * sizeof(*k));
		if (k)
			m->key_at = k;
		if (!v || !k)
			return -ENOMEM;
	}
	m->value_at[m->n] = s->at;
	m->key_at[m->n] = key_at;
	m->n++;
	return 0;
}

static void skip_space(struct scan *s)
{
	while (strchr(" \t\r\n", s->text[s->at]) && s->text[s->at])
		s->at++;
}

static void skip_string(struct scan *s)
{
	for (s->at++; s->text[s->at] && s->text[s->at] != '"'; s->at++)
		if (s->text[s->at] == '\\' && s->text[s->at + 1])
			s->at++;
	if (s->text[s->at])
		s->at++;
}

static int scan_value(struct scan *s, size_t key_at);

/* An object's or array's members, up to and past the closing bracket. */
static int scan_members(struct scan *s, char close, bool keyed)
{
	size_t key_at = 0;
	int ret;

	s->at++;
	for (;;) {
		skip_space(s);
		if (!s->text[s->at] || s->text[s->at] == close)
			break;
		if (keyed) {
			key_at = s->at;
			skip_string(s);
			skip_space(s);
			if (s->text[s->at] == ':')
				s->at++;
			skip_space(s);
		}
		ret = scan_value(s, key_at);
		if (ret)
			return ret;
		skip_space(s);
		if (s->text[s->at] == ',')
			s->at++;
	}
	if (s->text[s->at])
		s->at++;
	return 0;
}

static int scan_value(struct scan *s, size_t key_at)
{
	int ret = record(s, key_at);

	if (ret)
		return ret;
	switch (s->text[s->at]) {
	case '{':
		return scan_members(s, '}', true);
	case '[':
		return scan_members(s, ']', false);
	case '"':
		skip_string(s);
		return 0;
	default:
		while (s->text[s->at] && !strchr(",]} \t\r\n", s->text[s->at]))
			s->at++;
		return 0;
	}
}

/* Call only on text that cJSON has parsed, so it is well formed. */
int corral_json_map_build(struct corral_json_map *map, const char *text,
			  const cJSON *root)
{
	struct scan s = { .text = text, .map = map };
	int ret;

	memset(map, 0, sizeof(*map));
	map->root = root;
	skip_space(&s);
	ret = scan_value(&s, 0);
	map->text = text;
	return ret;
}

void corral_json_map_free(struct corral_json_map *map)
{
	free(map->value_at);
	free(map->key_at);
	memset(map, 0, sizeof(*map));
}

/* Pre-order index of node under root, or -1. */
static long index_of(const cJSON *root, const cJSON *node, long *next)
{
	const cJSON *child;
	long here = (*next)++, found;

	if (root == node)
		return here;
	for (child = root->child; child; child = child->next) {
		found = index_of(child, node, next);
		if (found >= 0)
			return found;
	}
	return -1;
}

/* The 1-based line and column of a byte offset. */
void corral_json_line_column(const char *text, size_t at, int *line,
			     int *column)
{
	size_t k;

	*line = 1;
	*column = 1;
	for (k = 0; k < at && text[k]; k++) {
		if (text[k] == '\n') {
			(*line)++;
			*column = 1;
		} else {
			(*column)++;
		}
	}
}

/* Where node's value (or its key) stands; 1:1 when it cannot be told. */
void corral_json_where(const struct corral_json_map *map, const cJSON *node,
		       bool key, int *line, int *column)
{
	long next = 0, i = node ? index_of(map->root, node, &next) : -1;
	size_t at = 0;

	if (i >= 0 && (size_t)i < map->n)
		at = key && node->string ? map->key_at[i] : map->value_at[i];
	corral_json_line_column(map->text, at, line, column);
}
