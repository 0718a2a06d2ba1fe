# `make bench`: corral beside its peers, written to docs/BENCHMARKS.md.
# bench/run.sh installs the peers when missing and builds the builtin
# itself when it can; these are the tools it measures with.
BENCH_TOOLS := $(BUILD)/bench/timeit $(BUILD)/bench/minwrap \
	$(BUILD)/bench/phases
# phases counts and times these calls of the core, libc's and its own.
BENCH_WRAP := -Wl,--wrap=realpath,--wrap=stat,--wrap=glob,--wrap=mount \
	-Wl,--wrap=corral_view_apply,--wrap=corral_seccomp_select \
	-Wl,--wrap=corral_landlock_apply,--wrap=corral_seccomp_load \
	-Wl,--wrap=corral_blocklist_prepare,--wrap=corral_blocklist_enforce

.PHONY: bench
bench: deps
	@$(MAKE) --no-print-directory $(BUILD)/corral $(BENCH_TOOLS)
	@bash bench/run.sh

$(BUILD)/bench/timeit: bench/timeit.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -std=gnu11 -o $@ $<

$(BUILD)/bench/minwrap: bench/minwrap.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -std=gnu11 -o $@ $<

$(BUILD)/bench/phases: bench/phases.c $(BUILD)/libcorral.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libcorral.a \
		$(DEP_LIBS) $(BENCH_WRAP)
