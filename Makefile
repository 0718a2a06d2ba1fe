# corral: a plain GNU Makefile.  Knobs are ?= so a packager can set them.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
# bash finds a builtin by name only on BASH_LOADABLES_PATH; the hook
# loads it by this full path.
BASH_LOADABLES_DIR ?= $(PREFIX)/lib/bash
# zsh finds a module by name on its module_path, which holds only the
# directory of its own modules: corral's goes there, so that a plain
# `zmodload corral/sandbox` loads it, unless PREFIX is a private one.
ZSH_OWN_MODULES := $(shell zsh -fc 'print -r -- $$module_path[1]' 2>/dev/null)
ifneq ($(and $(ZSH_OWN_MODULES),$(filter /usr /usr/local,$(PREFIX))),)
ZSH_MODULE_DIR ?= $(ZSH_OWN_MODULES)
else
ZSH_MODULE_DIR ?= $(PREFIX)/lib/corral/zsh
endif
MANDIR ?= $(PREFIX)/share/man
BASH_COMPLETION_DIR ?= $(PREFIX)/share/bash-completion/completions
# Debian's zsh searches vendor-completions under /usr, site-functions elsewhere.
ifeq ($(PREFIX),/usr)
ZSH_COMPLETION_DIR ?= $(PREFIX)/share/zsh/vendor-completions
else
ZSH_COMPLETION_DIR ?= $(PREFIX)/share/zsh/site-functions
endif
DESTDIR ?=
CC ?= cc
PKG_CONFIG ?= pkg-config

BUILD := build
WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Werror
CFLAGS ?= -O2 -g
CPPFLAGS += -D_GNU_SOURCE -Icore
DEP_CFLAGS = $(shell $(PKG_CONFIG) --cflags libcjson libseccomp nettle 2>/dev/null)
# libseccomp is for building the filters only: corral loads them ready.
DEP_LIBS = $(shell $(PKG_CONFIG) --libs libcjson nettle 2>/dev/null || echo -lcjson -lnettle)
SECCOMP_LIBS = $(shell $(PKG_CONFIG) --libs libseccomp 2>/dev/null || echo -lseccomp)
ALL_CFLAGS = $(CFLAGS) $(WARNINGS) -std=gnu11 -fPIC -fvisibility=hidden \
	$(DEP_CFLAGS)

CORE_SRC := core/abi.c core/confine.c core/error.c core/landlock.c \
	core/opts.c core/paths.c core/plan.c core/profile.c core/report.c \
	core/view.c core/env.c core/limits.c core/seccomp.c core/supervise.c \
	core/blocklist.c core/json.c \
	core/profile_report.c core/trust.c core/hook.c \
	core/snapshot.c
CORE_OBJ := $(CORE_SRC:core/%.c=$(BUILD)/core/%.o) $(BUILD)/core/profiles.o \
	$(BUILD)/core/hooks.o $(BUILD)/core/filters.o
PROFILES := $(sort $(wildcard profiles/*.json))
HOOKS := shellhooks/corral.bash shellhooks/corral.zsh

.PHONY: all deps run test unit man install uninstall clean check-format
all: $(BUILD)/corral

$(BUILD)/core/%.o: core/%.c core/corral.h core/internal.h core/landlock_compat.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/core/profiles.c: $(PROFILES) tools/embed.sh
	@mkdir -p $(@D)
	sh tools/embed.sh corral_builtin_profiles $(PROFILES) > $@

$(BUILD)/core/hooks.c: $(HOOKS) tools/embed.sh
	@mkdir -p $(@D)
	sh tools/embed.sh corral_shell_hooks $(HOOKS) > $@

# The seccomp filters, built with libseccomp here, once, for every policy.
$(BUILD)/tools/filters: tools/filters.c $(BUILD)/core/seccomp_rules.o
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $^ $(SECCOMP_LIBS)

$(BUILD)/core/filters.c: $(BUILD)/tools/filters
	$(BUILD)/tools/filters > $@.tmp && mv $@.tmp $@

$(BUILD)/core/%.o: $(BUILD)/core/%.c
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# Where the hooks look for the builtins once installed.
$(BUILD)/core/hook.o: CPPFLAGS += \
	-DCORRAL_BINDIR='"$(BINDIR)"' \
	-DCORRAL_BASH_BUILTIN='"$(BASH_LOADABLES_DIR)/sandbox"' \
	-DCORRAL_ZSH_MODULE_DIR='"$(ZSH_MODULE_DIR)"'
$(BUILD)/core/hook.o: $(BUILD)/dirs.stamp

# Rebuilt when the install directories change (make install PREFIX=...).
$(BUILD)/dirs.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(BINDIR) $(BASH_LOADABLES_DIR) $(ZSH_MODULE_DIR)' | cmp -s - $@ || \
		echo '$(BINDIR) $(BASH_LOADABLES_DIR) $(ZSH_MODULE_DIR)' > $@
FORCE:

$(BUILD)/libcorral.a: $(CORE_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/corral: cli/corral.c $(BUILD)/libcorral.a
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libcorral.a $(DEP_LIBS) -ldl

$(BUILD)/unit-tests: tests/unit/unit.c $(BUILD)/libcorral.a
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libcorral.a $(DEP_LIBS)

# Installs missing Debian packages as root; otherwise says what to run.
deps:
	@sh tools/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	@sh tools/demo.sh

test: deps
	@$(MAKE) --no-print-directory all $(BUILD)/unit-tests
	@bash tests/run.sh

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

# The manual pages come from --help; they are committed so that
# `man ./docs/corral.1` works in a fresh clone, and a test keeps them in step.
man: $(BUILD)/corral $(BUILD)/sandbox tools/man.sh
	$(BUILD)/corral --help > $(BUILD)/help.txt
	sh tools/man.sh corral $(BUILD)/help.txt > docs/corral.1
	bash -c 'enable -f ./$(BUILD)/sandbox sandbox && sandbox --help' | \
		sed -n '/^usage:/,$$p' > $(BUILD)/sandbox-help.txt
	sh tools/man.sh sandbox $(BUILD)/sandbox-help.txt > docs/sandbox.1

install: $(BUILD)/corral
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASH_COMPLETION_DIR) $(DESTDIR)$(ZSH_COMPLETION_DIR)
	install -m 0755 $(BUILD)/corral $(DESTDIR)$(BINDIR)/corral
	install -m 0644 docs/corral.1 docs/sandbox.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 completions/corral.bash $(DESTDIR)$(BASH_COMPLETION_DIR)/corral
	ln -sf corral $(DESTDIR)$(BASH_COMPLETION_DIR)/sandbox
	install -m 0644 completions/_corral $(DESTDIR)$(ZSH_COMPLETION_DIR)/_corral

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/corral $(DESTDIR)$(MANDIR)/man1/corral.1 \
		$(DESTDIR)$(MANDIR)/man1/sandbox.1 \
		$(DESTDIR)$(BASH_COMPLETION_DIR)/corral \
		$(DESTDIR)$(BASH_COMPLETION_DIR)/sandbox \
		$(DESTDIR)$(ZSH_COMPLETION_DIR)/_corral

check-format:
	clang-format --dry-run --Werror core/*.c core/*.h cli/*.c builtin/*.c \
		tools/*.c

clean:
	rm -rf $(BUILD)

# Fronts beyond the CLI (the shell builtins) bring their own rules.
-include builtin/*.mk

# make bench: side-by-side benchmarks (bench/run.sh).
-include bench/bench.mk
