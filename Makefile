# mpmon: one GNU Makefile. Honours CC CFLAGS CPPFLAGS LDFLAGS PREFIX DESTDIR V=1
# (and PLUGINDIR, where check_mpmon goes for Nagios/Icinga).
# Each external library's compile flags reach only the folder that owns it.

PREFIX     ?= /usr/local
PLUGINDIR  ?= $(PREFIX)/lib/nagios/plugins
# Where make install puts the rest; the files that name paths are written
# with these (see install).
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share/mpmon
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
DESTDIR    ?=
CC         ?= cc
CFLAGS     ?= -O2 -g
PKG_CONFIG ?= pkg-config
B          ?= build

WARNINGS := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wwrite-strings -Wvla -fno-common
ifneq ($(CI),)
WARNINGS += -Werror
endif

pc = $(shell $(PKG_CONFIG) $(1) $(2) 2>/dev/null)
XML_CFLAGS  := $(call pc,--cflags,libxml-2.0)
XML_LIBS    := $(call pc,--libs,libxml-2.0)
PCRE_CFLAGS := $(call pc,--cflags,libpcre2-8)
PCRE_LIBS   := $(call pc,--libs,libpcre2-8)
SNMP_CFLAGS := $(call pc,--cflags,netsnmp)
SNMP_LIBS   := $(call pc,--libs,netsnmp)
SD_CFLAGS   := $(call pc,--cflags,libsystemd)
SD_LIBS     := $(call pc,--libs,libsystemd)
INIH_CFLAGS := $(call pc,--cflags,inih)
INIH_LIBS   := $(or $(call pc,--libs,inih),-linih)
JSONC_CFLAGS := $(call pc,--cflags,json-c)
JSONC_LIBS  := $(or $(call pc,--libs,json-c),-ljson-c)

BASE_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARNINGS) -I. -MMD -MP $(CPPFLAGS) $(CFLAGS)

ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_SRC      := $(wildcard lib/*.c)
MPXML_SRC    := $(wildcard mp-xml/*.c)
RULES_SRC    := $(wildcard rules/*.c)
MONITORS_SRC := $(wildcard monitors/*.c)
PIPELINE_SRC := $(wildcard pipeline/*.c)
CORE_SRC     := $(LIB_SRC) $(MPXML_SRC) $(RULES_SRC) $(MONITORS_SRC) $(PIPELINE_SRC)
CORE_OBJ     := $(CORE_SRC:%.c=$(B)/%.o)
CORE_LIB     := $(B)/libmpmon.a
CORE_LIBS    := $(XML_LIBS) $(PCRE_LIBS) -lm

# The SNMP sink: trap.c alone sees net-snmp; spool and storm control are plain C.
SNMP_SRC     := collector/trap.c collector/spool.c collector/storm.c
SNMP_OBJ     := $(SNMP_SRC:%.c=$(B)/%.o)

CLI_PROGS    := mpmon
COLLECTOR_SRC := $(wildcard collector/*.c)
COLLECTOR_OBJ := $(COLLECTOR_SRC:%.c=$(B)/%.o)
UNIT_SRC     := $(wildcard tests/unit/test_*.c)
UNIT_BIN     := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TAP_OBJ      := $(B)/tests/unit/tap.o

PROGS := $(CLI_PROGS:%=$(B)/bin/%) $(B)/bin/mpmond $(B)/bin/check_mpmon
# Test drivers of the end-to-end tests and the benchmark.
E2E_PROGS := $(B)/tests/trapsend

.PHONY: all deps check check-asan check-valgrind test demo clean install format bench bench-run \
	contrib-services fuzz fuzz-build fuzz-bins fuzz-list valgrind-run
# keep objects of test programs between runs
.SECONDARY:
.DEFAULT_GOAL := all

all: $(PROGS)

$(B)/mp-xml/%.o: mp-xml/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BASE_CFLAGS) $(XML_CFLAGS) -c -o $@ $<

$(B)/rules/%.o: rules/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BASE_CFLAGS) $(PCRE_CFLAGS) -c -o $@ $<

$(B)/collector/trap.o: collector/trap.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BASE_CFLAGS) $(SNMP_CFLAGS) -c -o $@ $<
# libsystemd and inih reach collector/ only.
$(B)/collector/%.o: collector/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BASE_CFLAGS) -pthread $(SD_CFLAGS) $(INIH_CFLAGS) -c -o $@ $<

# json-c reaches check_mpmon.c only: the state file is nested JSON.
$(B)/cli/check_mpmon.o: cli/check_mpmon.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BASE_CFLAGS) $(JSONC_CFLAGS) -c -o $@ $<

$(B)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BASE_CFLAGS) -c -o $@ $<

$(CORE_LIB): $(CORE_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && $(AR) rcs $@ $^

MPMON_OBJ    := $(B)/cli/mpmon.o $(B)/cli/doc.o $(B)/cli/timeline.o $(B)/cli/state_text.o

$(B)/bin/mpmon: $(MPMON_OBJ) $(CORE_LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CORE_LIBS)

# Standalone mode reads logs with the collector's file source; source.c's table
# of source types also names the journal source, hence libsystemd.
CHECK_OBJ    := $(B)/cli/check_mpmon.o $(B)/cli/check_standalone.o \
	$(addprefix $(B)/collector/,source.o source_file.o source_journal.o journal.o journal_field.o)

$(B)/bin/check_mpmon: $(CHECK_OBJ) $(CORE_LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(JSONC_LIBS) $(SD_LIBS) $(CORE_LIBS)

$(B)/bin/mpmond: $(COLLECTOR_OBJ) $(CORE_LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -pthread -o $@ $^ $(SD_LIBS) $(INIH_LIBS) $(SNMP_LIBS) $(CORE_LIBS)

$(B)/tests/test_%: $(B)/tests/unit/test_%.o $(TAP_OBJ) $(CORE_LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(CORE_LIBS)

# Unit tests of the collector's pure parts link their object besides the core.
$(B)/tests/test_storm: $(B)/collector/storm.o
$(B)/tests/test_spool: $(B)/collector/spool.o
$(B)/tests/test_action: $(B)/collector/action.o
$(B)/tests/test_journal_field: $(B)/collector/journal_field.o

$(B)/tests/trapsend: $(B)/tests/e2e/trapsend.o $(SNMP_OBJ) $(B)/collector/action.o $(CORE_LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CORE_LIBS) $(SNMP_LIBS)

# Tests read the corpus of public SCOM packs from the shared folder beside the
# checkout, or from MP_CORPUS=DIR. A clone without it leaves MP_CORPUS empty:
# the checks that read it skip, each test saying so on one line. CI names the
# folder, so that there a missing corpus fails them.
SHARED_CORPUS := $(abspath ../shared/mp-corpus)
MP_CORPUS ?= $(if $(CI),$(SHARED_CORPUS),$(wildcard $(SHARED_CORPUS)))
TEST_ENV = MPMON_BIN=$(abspath $(B)/bin) MP_CORPUS=$(MP_CORPUS) \
	MPMON_BUILD=$(abspath $(B))

test: $(PROGS) $(UNIT_BIN) $(E2E_PROGS)
	$(TEST_ENV) prove --exec '' $(if $(V),-v) $(UNIT_BIN) $(sort $(wildcard tests/*.t)) \
		$(sort $(wildcard tests/e2e/*.t))

check: deps
	MPMON_FUZZ=1 $(MAKE) test

ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all

check-asan: deps
	MPMON_FUZZ=0 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(MAKE) B=build-asan CFLAGS="$(ASAN_FLAGS)" LDFLAGS="$(ASAN_FLAGS)" test

deps:
	@sh build-aux/deps.sh

# Valgrind over the unit tests and the replay fixtures (tests/replay.t through a
# wrapper that runs mpmon under valgrind): any memory error or definite leak
# fails the run. Built without sanitizers, -O1 so that reports point at lines.
VG_B      ?= build-valgrind
VALGRIND  := valgrind -q --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --track-origins=yes \
	--suppressions=$(abspath tests/valgrind.supp)

check-valgrind: deps
	$(MAKE) B=$(VG_B) CFLAGS="-O1 -g" valgrind-run

valgrind-run: $(PROGS) $(UNIT_BIN)
	@mkdir -p $(B)/vg-bin
	@printf '#!/bin/sh\nexec %s %s "$$@"\n' "$(VALGRIND)" "$(abspath $(B)/bin/mpmon)" \
		>$(B)/vg-bin/mpmon && chmod +x $(B)/vg-bin/mpmon
	MP_CORPUS=$(MP_CORPUS) MPMON_TEST_TIME_FACTOR=50 timeout 1800 \
		prove --exec 'timeout 900 $(VALGRIND)' $(if $(V),-v) $(UNIT_BIN)
	MP_CORPUS=$(MP_CORPUS) MPMON_BIN=$(abspath $(B)/vg-bin) timeout 1800 \
		prove $(if $(V),-v) tests/replay.t

# ---- fuzzing: libFuzzer targets of tests/fuzz/, built with clang -------------
# `make fuzz FUZZ_SECONDS=N` runs each target N seconds (FUZZ_TARGETS="pack expr"
# picks some); corpora and crashes stay in build-fuzz/fuzz/. tests/fuzz.t runs
# each target briefly under `make check` and CI.
FUZZ_CC      ?= clang
FUZZ_B       ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_FORMATS := json syslog kv applelog regex
FUZZ_ALL     := pack expr checkpoint $(FUZZ_FORMATS:%=format_%) journal
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_SAN     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
FUZZ_BINS    := $(FUZZ_ALL:%=$(B)/fuzz/fuzz_%) $(B)/fuzz/checkpoint_seeds
FUZZ_COMMON  := $(B)/tests/fuzz/fuzz_common.o

fuzz-build: deps
	$(MAKE) B=$(FUZZ_B) CC=$(FUZZ_CC) CFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
		LDFLAGS="$(FUZZ_SAN)" fuzz-bins

fuzz-bins: $(FUZZ_BINS)

fuzz: fuzz-build
	MP_CORPUS=$(MP_CORPUS) sh tests/fuzz/run.sh $(FUZZ_B) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# tests/fuzz.t and tests/fuzz/run.sh take the list of targets from here.
fuzz-list:
	@echo $(FUZZ_ALL)

# The targets read the test packs from the source tree.
$(FUZZ_COMMON): CPPFLAGS += -DFUZZ_SRCDIR='"$(CURDIR)"'

# One source, one target per input format.
$(B)/tests/fuzz/fuzz_format_%.o: tests/fuzz/fuzz_format.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(BASE_CFLAGS) -DFUZZ_FORMAT='"$*"' -c -o $@ $<

$(B)/fuzz/fuzz_%: $(B)/tests/fuzz/fuzz_%.o $(FUZZ_COMMON) $(CORE_LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(CORE_LIBS)

# The journal's mapping without sd-journal: journal_field.o alone.
$(B)/fuzz/fuzz_journal: $(B)/collector/journal_field.o

$(B)/fuzz/checkpoint_seeds: $(B)/tests/fuzz/checkpoint_seeds.o $(FUZZ_COMMON) $(CORE_LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CORE_LIBS)

# Figures, not tests (bench/run.sh): syslog and JSON replay against SEC, grep
# and json-c, monitor count scaling, memory and allocations per event, and
# traps per second to a real snmptrapd on loopback. bench/deps.sh installs
# what only the benchmarks need.
# The packages first, then a make that sees their pkg-config flags: on a
# fresh machine the build needs them.
bench: deps
	@sh bench/deps.sh
	$(MAKE) bench-run

bench-run: $(PROGS) $(CORE_LIB) $(E2E_PROGS)
	@sh bench/run.sh $(B)

demo: deps
	$(MAKE) all
	@sh build-aux/demo.sh $(B)/bin

# make install [PREFIX=/usr/local] [DESTDIR=] [SYSCONFDIR=/etc] ...: the
# programs, check_mpmon in PLUGINDIR too, the packs and MIB, the man pages, the
# sample config (as SYSCONFDIR/mpmon/mpmond.conf only when there is none yet,
# always as mpmond.conf.sample beside it), the systemd unit, sysusers.d and
# tmpfiles.d files, and the snmptrapd, snmptt, Icinga 2 and Nagios files under
# DATADIR. The contrib/ files and man pages name the default paths
# (/usr/local/..., /etc/mpmon); they are installed with the paths of this
# install instead, so the unit runs the mpmond it installed and the config
# names the packs it installed.
INSTALL_SUBST = sed -e 's|/usr/local/lib/nagios/plugins|$(PLUGINDIR)|g' \
	-e 's|/usr/local/lib/systemd/system|$(UNITDIR)|g' \
	-e 's|/usr/local/lib/sysusers.d|$(SYSUSERSDIR)|g' \
	-e 's|/usr/local/lib/tmpfiles.d|$(TMPFILESDIR)|g' \
	-e 's|/usr/local/share/mpmon|$(DATADIR)|g' \
	-e 's|/usr/local/bin|$(BINDIR)|g' \
	-e 's|/etc/mpmon|$(SYSCONFDIR)/mpmon|g'
MAN_PAGES := docs/man/mpmon.1 docs/man/check_mpmon.1 docs/man/mpmond.conf.5 docs/man/mpmond.8
# install_subst MODE SOURCE TARGET: install SOURCE with this install's paths
install_subst = $(INSTALL_SUBST) $(2) >$(B)/install.tmp && \
	install -m $(1) $(B)/install.tmp $(DESTDIR)$(3) && rm -f $(B)/install.tmp

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PLUGINDIR) $(DESTDIR)$(DATADIR)/packs \
		$(DESTDIR)$(DATADIR)/mibs $(DESTDIR)$(DATADIR)/snmptrapd $(DESTDIR)$(DATADIR)/snmptt \
		$(DESTDIR)$(DATADIR)/icinga2 $(DESTDIR)$(DATADIR)/nagios \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SYSCONFDIR)/mpmon $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(TMPFILESDIR)
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)/
	install -m 755 $(B)/bin/check_mpmon $(DESTDIR)$(PLUGINDIR)/
	install -m 644 mp-xml/packs/*.xml $(DESTDIR)$(DATADIR)/packs/
	install -m 644 mibs/*.txt $(DESTDIR)$(DATADIR)/mibs/
	for p in $(MAN_PAGES); do \
		$(call install_subst,644,$$p,$(MANDIR)/man$${p##*.}/$${p##*/}) || exit 1; done
	$(call install_subst,644,contrib/mpmond.conf,$(SYSCONFDIR)/mpmon/mpmond.conf.sample)
	test -e $(DESTDIR)$(SYSCONFDIR)/mpmon/mpmond.conf || \
		install -m 644 $(DESTDIR)$(SYSCONFDIR)/mpmon/mpmond.conf.sample \
			$(DESTDIR)$(SYSCONFDIR)/mpmon/mpmond.conf
	$(call install_subst,644,contrib/systemd/mpmond.service,$(UNITDIR)/mpmond.service)
	install -m 644 contrib/systemd/mpmon.sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/mpmon.conf
	install -m 644 contrib/systemd/mpmon.tmpfiles.conf $(DESTDIR)$(TMPFILESDIR)/mpmon.conf
	$(call install_subst,644,contrib/snmptrapd/snmptrapd.conf,$(DATADIR)/snmptrapd/snmptrapd.conf)
	install -m 644 contrib/snmptt/mpmon.conf $(DESTDIR)$(DATADIR)/snmptt/mpmon.conf
	for f in contrib/icinga2/*.conf; do \
		$(call install_subst,644,$$f,$(DATADIR)/icinga2/$${f##*/}) || exit 1; done
	for f in contrib/nagios/*.cfg; do \
		$(call install_subst,644,$$f,$(DATADIR)/nagios/$${f##*/}) || exit 1; done

# The example services per shipped monitor in contrib/ (committed; regenerate
# after changing the packs).
contrib-services: $(B)/bin/mpmon
	sh build-aux/gen-check-services.sh $(abspath $(B)/bin/mpmon) contrib

format:
	clang-format -i $(wildcard */*.c */*.h tests/unit/*.c)

clean:
	rm -rf build build-asan build-fuzz build-valgrind

-include $(shell find $(B) -name '*.d' 2>/dev/null)
