# mpmon: one GNU Makefile. Honours CC CFLAGS CPPFLAGS LDFLAGS PREFIX DESTDIR V=1
# (and PLUGINDIR, where check_mpmon goes for Nagios/Icinga).
# Each external library's compile flags reach only the folder that owns it.

PREFIX     ?= /usr/local
PLUGINDIR  ?= $(PREFIX)/lib/nagios/plugins
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
CORE_SRC     := $(LIB_SRC) $(MPXML_SRC) $(RULES_SRC) $(MONITORS_SRC)
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

.PHONY: all deps check check-asan test demo clean install format bench contrib-services
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

MPMON_OBJ    := $(B)/cli/mpmon.o $(B)/cli/doc.o $(B)/cli/timeline.o

$(B)/bin/mpmon: $(MPMON_OBJ) $(CORE_LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CORE_LIBS)

# Standalone mode reads logs with the collector's file source; source.c's table
# of source types also names the journal source, hence libsystemd.
CHECK_OBJ    := $(B)/cli/check_mpmon.o $(B)/cli/check_standalone.o \
	$(addprefix $(B)/collector/,source.o source_file.o source_journal.o journal.o)

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

$(B)/tests/trapsend: $(B)/tests/e2e/trapsend.o $(SNMP_OBJ) $(CORE_LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CORE_LIBS) $(SNMP_LIBS)

# Tests read the corpus from the shared folder beside the checkout.
MP_CORPUS ?= $(abspath ../shared/mp-corpus)
TEST_ENV = MPMON_BIN=$(abspath $(B)/bin) MP_CORPUS=$(MP_CORPUS) \
	MPMON_BUILD=$(abspath $(B))

test: $(PROGS) $(UNIT_BIN) $(E2E_PROGS)
	$(TEST_ENV) prove --exec '' $(if $(V),-v) $(UNIT_BIN) $(sort $(wildcard tests/*.t)) \
		$(sort $(wildcard tests/e2e/*.t))

check: deps
	$(MAKE) test

ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all

check-asan: deps
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(MAKE) B=build-asan CFLAGS="$(ASAN_FLAGS)" LDFLAGS="$(ASAN_FLAGS)" test

deps:
	@sh build-aux/deps.sh

# Figures, not tests (bench/run.sh): syslog and JSON replay against SEC, grep
# and json-c, monitor count scaling, memory and allocations per event, and
# traps per second to a real snmptrapd on loopback. bench/deps.sh installs
# what only the benchmarks need.
bench: $(PROGS) $(CORE_LIB) $(E2E_PROGS)
	@sh build-aux/deps.sh
	@sh bench/deps.sh
	@sh bench/run.sh $(B)

demo: deps
	$(MAKE) all
	@sh build-aux/demo.sh $(B)/bin

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/mpmon/packs
	install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(PLUGINDIR)
	install -m 755 $(B)/bin/check_mpmon $(DESTDIR)$(PLUGINDIR)/
	install -m 644 mp-xml/packs/*.xml $(DESTDIR)$(PREFIX)/share/mpmon/packs/
	install -d $(DESTDIR)$(PREFIX)/share/mpmon/mibs
	install -m 644 mibs/*.txt $(DESTDIR)$(PREFIX)/share/mpmon/mibs/

# The example services per shipped monitor in contrib/ (committed; regenerate
# after changing the packs).
contrib-services: $(B)/bin/mpmon
	sh build-aux/gen-check-services.sh $(abspath $(B)/bin/mpmon) contrib

format:
	clang-format -i $(wildcard */*.c */*.h tests/unit/*.c)

clean:
	rm -rf build build-asan

-include $(shell find $(B) -name '*.d' 2>/dev/null)
