# The bash loadable builtin: build/sandbox, loaded with
# `enable -f sandbox sandbox` from $(BASH_LOADABLES_DIR) (bash adds no
# suffix).  bash's headers trip our warnings, so they come in as system
# headers; loadables.h lives in the loadables directory itself.
# loadables.h lives where Debian installs its own loadables.
BASH_LOADABLES_HEADERS ?= $(shell $(PKG_CONFIG) --variable=loadablesdir bash)
BASH_LOADABLES_DIR ?= $(PREFIX)/lib/bash
BASH_HEADERS_DIR ?= $(shell $(PKG_CONFIG) --variable=headersdir bash)
BASH_CFLAGS = -DHAVE_CONFIG_H -DSHELL \
	-isystem $(BASH_LOADABLES_HEADERS) -isystem $(BASH_HEADERS_DIR) \
	-isystem $(BASH_HEADERS_DIR)/include \
	-isystem $(BASH_HEADERS_DIR)/builtins
# The symbols come from the host shell, so no -z defs.  Hide every
# symbol of the static core: bash exports xmalloc and friends, and a
# same-named symbol of ours must never be bound in their place.
BASH_LDFLAGS = -shared -Wl,-soname,sandbox -Wl,--exclude-libs,ALL \
	-Wl,-z,relro -Wl,-z,now

all: $(BUILD)/sandbox

$(BUILD)/builtin/bash.o: builtin/bash.c core/corral.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(BASH_CFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/sandbox: $(BUILD)/builtin/bash.o $(BUILD)/libcorral.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(BASH_LDFLAGS) -o $@ $< \
		$(BUILD)/libcorral.a $(DEP_LIBS)

.PHONY: install-bash-builtin uninstall-bash-builtin
install: install-bash-builtin
uninstall: uninstall-bash-builtin

install-bash-builtin: $(BUILD)/sandbox
	install -d $(DESTDIR)$(BASH_LOADABLES_DIR)
	install -m 0755 $(BUILD)/sandbox $(DESTDIR)$(BASH_LOADABLES_DIR)/sandbox

uninstall-bash-builtin:
	rm -f $(DESTDIR)$(BASH_LOADABLES_DIR)/sandbox
