# The zsh module corral/sandbox: build/zsh/corral/sandbox.so, loaded with
#   module_path=($PWD/build/zsh $module_path); zmodload corral/sandbox
# and installed into $(ZSH_MODULE_DIR)/corral: zsh's own module directory
# (see the Makefile), or one the zsh hook adds to module_path.  A module is tied to the zsh it was built for.  -DMODULE
# keeps the entry points' plain names (setup_, boot_, ...), which zsh
# looks up in the file it loads.
ZSH_INCLUDE_DIR ?= /usr/include
ZSH_CFLAGS = -DMODULE \
	$(if $(filter-out /usr/include,$(ZSH_INCLUDE_DIR)),-isystem $(ZSH_INCLUDE_DIR))
# The symbols come from the host shell, so no -z defs.  Hide every
# symbol of the static core, as for the bash builtin.
ZSH_LDFLAGS = -shared -Wl,-soname,sandbox.so -Wl,--exclude-libs,ALL \
	-Wl,-z,relro -Wl,-z,now
ZSH_MODULE := $(BUILD)/zsh/corral/sandbox.so

all: $(ZSH_MODULE)

$(BUILD)/builtin/zsh.o: builtin/zsh.c core/corral.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ZSH_CFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(ZSH_MODULE): $(BUILD)/builtin/zsh.o $(BUILD)/libcorral.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(ZSH_LDFLAGS) -o $@ $< \
		$(BUILD)/libcorral.a $(DEP_LIBS)

.PHONY: install-zsh-module uninstall-zsh-module
install: install-zsh-module
uninstall: uninstall-zsh-module

install-zsh-module: $(ZSH_MODULE)
	install -d $(DESTDIR)$(ZSH_MODULE_DIR)/corral
	install -m 0755 $(ZSH_MODULE) $(DESTDIR)$(ZSH_MODULE_DIR)/corral/sandbox.so

uninstall-zsh-module:
	rm -f $(DESTDIR)$(ZSH_MODULE_DIR)/corral/sandbox.so
	-rmdir $(DESTDIR)$(ZSH_MODULE_DIR)/corral 2>/dev/null
	-rmdir $(DESTDIR)$(PREFIX)/lib/corral/zsh $(DESTDIR)$(PREFIX)/lib/corral \
		2>/dev/null
