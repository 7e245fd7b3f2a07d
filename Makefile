# tapesock — plain GNU Makefile.  `make`, `make check`, `make demo`.
# Objects go under $(B); the sanitizer build uses B=build/san SAN=1.

B	?= build
MAKEFLAGS += --no-print-directory
VERSION	 = 0.1.0
# The date of the man pages (their .TH line).
MANDATE	 = 2026-12-07
PKGS	 = libbsd yaml-0.1 libssl libcrypto
CC	?= cc
CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 \
	   -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
	   -Wno-unused-parameter -D_GNU_SOURCE -DTAPESOCK_VERSION='"$(VERSION)"' \
	   -DTAPESOCK_DATE='"$(MANDATE)"' \
	   -Itapesock -Itxlog -Imenu $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
ifeq ($(SAN),1)
CFLAGS	+= -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer
LDFLAGS	+= -fsanitize=address,undefined
endif
LDLIBS	 = $(shell pkg-config --libs $(PKGS)) -pthread
# The menu (menu/, tape-socket only): ncursesw, else ncurses.
CURSES	 = $(shell pkg-config --exists ncursesw 2>/dev/null && echo ncursesw || echo ncurses)
CURSES_CFLAGS = $(shell pkg-config --cflags $(CURSES) 2>/dev/null)
CURSES_LIBS = $(shell pkg-config --libs $(CURSES) 2>/dev/null)
MENUSRC	 = $(wildcard menu/*.c)
MENUOBJ	 = $(MENUSRC:%.c=$(B)/%.o)
CHECKLIBS = $(shell pkg-config --libs check)

# The message catalogue is tapesock/messages.txt; mkcatalog, a program
# of the build host, generates its C into $(GEN) (see below).
GEN	 = $(B)/gen
GENHDR	 = $(GEN)/catalog_ids.h $(GEN)/catalog_sig.h
GENSRC	 = $(GEN)/catalog_table.c
CFLAGS	+= -I$(GEN)
HOSTCC	?= $(CC)
HOSTCFLAGS ?= $(CFLAGS)
HOSTLDFLAGS ?= $(LDFLAGS)

LIBSRC	 = $(filter-out tapesock/main.c tapesock/mkmsgman.c tapesock/mkcatalog.c tapesock/tapesockd.c,$(wildcard tapesock/*.c)) \
	   $(filter-out txlog/main.c,$(wildcard txlog/*.c))
# Objects of txlog/ go under $(B)/libtxlog: $(B)/txlog is the program.
LIBOBJ	 = $(patsubst $(B)/txlog/%,$(B)/libtxlog/%,$(LIBSRC:%.c=$(B)/%.o)) \
	   $(GENSRC:%.c=%.o)
UNITSRC	 = $(wildcard test/unit/*.c)
UNITOBJ	 = $(UNITSRC:%.c=$(B)/%.o)
PROGS	 = $(B)/tape-socket $(B)/tapesockd $(B)/txlog $(B)/mkmsgman

# Where make install puts things (DESTDIR is prepended to each, never
# compiled in).  tape-socket finds tapesockd beside itself in the build
# tree and in LIBEXECDIR once installed, tapesockd finds txlog in
# BINDIR: both are compiled in through $(GEN)/paths.h, which is
# rewritten when they change, so `make install PREFIX=/usr` after a
# plain `make` relinks what names them.
PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec/tapesock
MANDIR	?= $(PREFIX)/share/man
DOCDIR	?= $(PREFIX)/share/doc/tapesock
SYSCONFDIR ?= /etc
UNITDIR	?= $(PREFIX)/lib/systemd/system
NAGIOSDIR ?= $(PREFIX)/lib/nagios/plugins
INSTALL	?= install
DESTDIR	?=
# The Nagios plugin (scripts/check_tapesock), if this tree has it.
NAGIOS_PLUGIN = $(wildcard scripts/check_tapesock)

.PHONY: all deps fuzz fuzz-long fuzz-seeds san-integration check unit unit-run san \
	integration security faults faults-short \
	faults-progs demo pgtest bench man update-man man-check clean install \
	uninstall deb debtest unitcheck pkgtest FORCE
all: $(PROGS) $(B)/man/tapesock-messages.7

# NODEPS=1 (the Debian package's build) leaves the packages to
# dpkg-checkbuilddeps: Build-Depends is the list there.
deps:
	@$(if $(filter 1,$(NODEPS)),:,scripts/deps.sh)

# Every object depends on the generated headers, so they exist before
# anything that includes catalog.h compiles (make -j too).
$(B)/%.o: %.c $(wildcard tapesock/*.h txlog/*.h menu/*.h test/unit/*.h) $(GENHDR) | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(MENUOBJ): CFLAGS += $(CURSES_CFLAGS)

$(B)/libtxlog/%.o: txlog/%.c $(wildcard tapesock/*.h txlog/*.h) $(GENHDR) | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(GEN)/%.o: $(GEN)/%.c $(wildcard tapesock/*.h) $(GENHDR) | deps
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# mkcatalog rewrites a generated file only when it changes, so that a
# new Meaning recompiles the table alone; the stamp records the run.
# A generated file missing behind a current stamp is made again.
$(B)/mkcatalog: tapesock/mkcatalog.c | deps
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) $(HOSTLDFLAGS) -o $@ $<

$(GEN)/stamp: tapesock/messages.txt $(B)/mkcatalog
	@mkdir -p $(@D)
	$(B)/mkcatalog tapesock/messages.txt $(GEN)
	@touch $@

$(GENHDR) $(GENSRC): $(GEN)/stamp
	@test -f $@ || $(B)/mkcatalog tapesock/messages.txt $(GEN)

# The installed directories the programs look in (see PREFIX above).
$(GEN)/paths.h: FORCE
	@mkdir -p $(@D)
	@printf '#define TAPESOCK_BINDIR "%s"\n#define TAPESOCK_LIBEXECDIR "%s"\n' \
	    '$(BINDIR)' '$(LIBEXECDIR)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
FORCE:

$(B)/tapesock/cmd_server.o $(B)/tapesock/txagent.o: $(GEN)/paths.h
$(B)/fuzz/lib/tapesock/cmd_server.o $(B)/fuzz/lib/tapesock/txagent.o: $(GEN)/paths.h

$(B)/libtapesock.a: $(LIBOBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/tape-socket: $(B)/tapesock/main.o $(MENUOBJ) $(B)/libtapesock.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CURSES_LIBS) $(LDLIBS)

$(B)/tapesockd: $(B)/tapesock/tapesockd.o $(B)/libtapesock.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/txlog: $(B)/libtxlog/main.o $(B)/libtapesock.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/mkmsgman: $(B)/tapesock/mkmsgman.o $(B)/libtapesock.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The message page is generated from the catalogue; the checked-in copy
# in man/ must match it (make update-man refreshes it, a test checks it).
$(B)/man/tapesock-messages.7: $(B)/mkmsgman
	@mkdir -p $(@D)
	$(B)/mkmsgman > $@.tmp && mv $@.tmp $@
update-man: $(B)/man/tapesock-messages.7
	cp $< man/tapesock-messages.7

# Lint the man pages (mandoc and groff: no warning) and check that
# tape-socket(1) and tapesock.yaml(5) name everything the programs take.
man-check: all
	test/docs/man_check.sh $(B)

$(B)/unit: $(UNITOBJ) $(B)/libtapesock.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECKLIBS) $(LDLIBS)

unit: $(B)/unit
unit-run: unit
	TAPESOCK_SRCDIR=$(CURDIR) $(B)/unit

san:
	$(MAKE) B=build/san SAN=1 unit-run

# A scripted output server the integration tests use (test/tools/).
$(B)/tsfake: $(B)/test/tools/tsfake.o $(B)/libtapesock.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

integration: all $(B)/tsfake $(B)/benchio
	test/integration/run.sh $(B)

# The attack suite (test/security): each attack on the link, the files
# and the resources as a test that fails if it works again.
security: all $(B)/tsfake
	test/integration/run.sh $(B) $(wildcard test/security/s_*.sh)

# The integration tests against the servers built with ASan/UBSan
# (build/san).  A server's stdio is /dev/null, so the sanitizers write
# their reports into build/san/sanlog/ (one file a process); any file
# there fails the run.  Leaks are looked for too: the servers and the
# keepers leave through exit() on SIGTERM/SIGINT (daemon.c's flags),
# and a process killed with SIGKILL or ending in _exit() (a fork's
# child) is not checked at all, so no report is a false one; set
# SAN_ASAN_OPTIONS=detect_leaks=0 to leave leaks out.  SAN_TESTS=
# names tests (default: all); each gets SAN_TEST_TIMEOUT seconds.
SAN_TESTS ?=
# What make check runs sanitized: the servers' data path and their
# attack tests, and the remote commands (the whole suite is `make
# san-integration`).
SAN_CHECK_TESTS = t_replicate t_stream_id t_check test/security/s_auth.sh \
	test/security/s_peer.sh test/security/s_flood.sh
SAN_TEST_TIMEOUT ?= 300
SAN_ASAN_OPTIONS ?= detect_leaks=1
SANLOG	 = $(CURDIR)/build/san/sanlog

san-integration:
	$(MAKE) B=build/san SAN=1 all build/san/tsfake
	rm -rf $(SANLOG) && mkdir -p $(SANLOG)
	ASAN_OPTIONS=log_path=$(SANLOG)/asan:$(SAN_ASAN_OPTIONS) \
	    UBSAN_OPTIONS=log_path=$(SANLOG)/ubsan:print_stacktrace=1 \
	    TAPESOCK_TEST_TIMEOUT=$(SAN_TEST_TIMEOUT) \
	    test/integration/run.sh build/san $(SAN_TESTS)
	@if [ -n "$$(ls -A $(SANLOG))" ]; then \
	    echo "sanitizer reports in $(SANLOG):"; cat $(SANLOG)/*; exit 1; fi

check: all
	$(MAKE) man-check
	$(MAKE) unit-run
	$(MAKE) san
	$(MAKE) fuzz FUZZ_SECONDS=5
	$(MAKE) integration
	$(MAKE) security
	$(MAKE) san-integration SAN_TESTS="$(SAN_CHECK_TESTS)"
	$(MAKE) pgtest
	$(MAKE) faults-short
	$(MAKE) pkgtest

# The fault-injection suite (test/faults): a relay that cuts, stalls,
# blackholes and flips, a generator of numbered blocks and their
# verifier, and faults.sh, which kills and stops the servers under
# them.  `make faults` is the long run (hundreds of kills and cuts);
# `make check` runs the short one.  FAULTS= names scenarios to run.
FAULTPROGS = $(B)/test/faults/relay $(B)/test/faults/gen $(B)/test/faults/verify

$(B)/test/faults/%.o: test/faults/%.c test/faults/fblock.h tapesock/crc32c.h | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/test/faults/%: $(B)/test/faults/%.o $(B)/test/faults/fblock.o $(B)/libtapesock.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

faults-progs: $(FAULTPROGS)

faults: all faults-progs
	test/faults/faults.sh -m long $(B) $(FAULTS)

faults-short: all faults-progs
	test/faults/faults.sh -m short $(B) $(FAULTS)

# The libFuzzer targets (test/fuzz/fuzz_<name>.c, DEVELOPING.md
# "Fuzzing"), one a decoder: built with clang against the library
# compiled again for them ($(B)/fuzz/lib, coverage and ASan/UBSan on).
# `make fuzz` runs each FUZZ_SECONDS, `make fuzz-long` FUZZ_LONG_SECONDS,
# from a copy of its seeds (test/fuzz/corpus/<name>) in $(B)/fuzz/<name>,
# which keeps what the runs add; a crash stops make and leaves its input
# as $(B)/fuzz/<name>-crash-*.  FUZZ_TARGETS= runs some of them.
FUZZ_TARGETS ?= frame control config keyword instate spool logs cli auth \
	txrec qinfo
FUZZ_SECONDS ?= 20
FUZZ_LONG_SECONDS ?= 600
FUZZCC	?= clang
FUZZSAN	 = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZCFLAGS = -g -O1 $(filter-out -O% -g,$(CFLAGS)) $(FUZZSAN) \
	   -fno-omit-frame-pointer
# The longest input each target is given.
FUZZ_MAXLEN_frame   = 70000
FUZZ_MAXLEN_control = 8192
FUZZ_MAXLEN_config  = 16384
FUZZ_MAXLEN_keyword = 2048
FUZZ_MAXLEN_instate = 9000
FUZZ_MAXLEN_spool   = 70000
FUZZ_MAXLEN_logs    = 32768
FUZZ_MAXLEN_cli     = 4096
FUZZ_MAXLEN_auth    = 4096
FUZZ_MAXLEN_txrec   = 16384
FUZZ_MAXLEN_qinfo   = 16384
FUZZLIBOBJ = $(LIBSRC:%.c=$(B)/fuzz/lib/%.o) $(B)/fuzz/lib/catalog_table.o
FUZZBINS = $(FUZZ_TARGETS:%=$(B)/fuzz_%)

$(B)/fuzz/lib/%.o: %.c $(wildcard tapesock/*.h txlog/*.h) $(GENHDR) | deps
	@mkdir -p $(@D)
	$(FUZZCC) $(FUZZCFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(B)/fuzz/lib/catalog_table.o: $(GENSRC) $(wildcard tapesock/*.h) $(GENHDR) | deps
	@mkdir -p $(@D)
	$(FUZZCC) $(FUZZCFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(B)/fuzz/libtapesock.a: $(FUZZLIBOBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/fuzz_%: test/fuzz/fuzz_%.c test/fuzz/fuzz.h $(B)/fuzz/libtapesock.a
	$(FUZZCC) $(FUZZCFLAGS) -fsanitize=fuzzer -o $@ $< \
	    $(B)/fuzz/libtapesock.a $(LDLIBS)

# The frame target's seeds are also written afresh by fuzz_frame_seed.
$(B)/fuzz_frame_seed: test/fuzz/fuzz_frame.c test/fuzz/fuzz.h $(B)/libtapesock.a
	$(CC) $(CFLAGS) -DFUZZ_FRAME_SEED -o $@ $< $(B)/libtapesock.a $(LDLIBS)

# Seeds made by the library itself (a spool segment, a state file, log
# records): `make fuzz-seeds` rewrites them in test/fuzz/corpus.
$(B)/fuzz_mkseeds: test/fuzz/mkseeds.c $(B)/libtapesock.a
	$(CC) $(CFLAGS) -o $@ $< $(B)/libtapesock.a $(LDLIBS)

fuzz-seeds: $(B)/fuzz_frame_seed $(B)/fuzz_mkseeds
	$(B)/fuzz_frame_seed test/fuzz/corpus/frame
	$(B)/fuzz_mkseeds test/fuzz/corpus

# $(call fuzz_run,NAME,SECONDS): one run of one target.
define fuzz_run
	@mkdir -p $(B)/fuzz/$(1)
	cp test/fuzz/corpus/$(1)/* $(B)/fuzz/$(1)/
	$(if $(filter frame,$(1)),$(B)/fuzz_frame_seed $(B)/fuzz/frame)
	$(B)/fuzz_$(1) -max_total_time=$(2) -max_len=$(FUZZ_MAXLEN_$(1)) \
	    -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=$(B)/fuzz/$(1)- $(B)/fuzz/$(1)

endef

fuzz: $(FUZZBINS) $(B)/fuzz_frame_seed
	$(foreach t,$(FUZZ_TARGETS),$(call fuzz_run,$(t),$(FUZZ_SECONDS)))

fuzz-long: $(FUZZBINS) $(B)/fuzz_frame_seed
	$(foreach t,$(FUZZ_TARGETS),$(call fuzz_run,$(t),$(FUZZ_LONG_SECONDS)))

demo: all
	scripts/demo.sh $(B)

# The hot backup of a real PostgreSQL database through a pair (README,
# "Hot backup"), about 20 s: part of make check.
pgtest: all
	TAPESOCK_TEST_TIMEOUT=600 test/integration/run.sh $(B) test/pg/pg_hot_backup.sh

# Throughput and latency of FIFO -> TCP 127.0.0.1 -> FIFO: tapesock
# (sync OFF and ON) against socat, mbuffer and a bare FIFO copy
# (doc/PERFORMANCE.md).  Its tools are not needed to build.
$(B)/benchio: $(B)/test/tools/benchio.o $(B)/libtapesock.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

bench: all $(B)/benchio
	@scripts/deps.sh bench
	scripts/bench.sh $(B)

# make install [PREFIX=/usr/local] [DESTDIR=...]: the programs, the
# manual pages (tapesock-messages.7 generated in $(B)/man), the sample
# configuration, the systemd unit (its paths made those of this
# install), the logrotate snippet and, when the tree has it, the
# Nagios plugin.  The servers' home, user and pipes are not made here:
# README "Installing" (the Debian package's postinst makes them).
install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(DOCDIR)/examples \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/logrotate.d
	$(INSTALL) -m 0755 $(B)/tape-socket $(B)/txlog $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0755 $(B)/tapesockd $(DESTDIR)$(LIBEXECDIR)/
	$(INSTALL) -m 0644 man/tape-socket.1 man/txlog.1 $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 0644 man/tapesock.yaml.5 $(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 0644 $(B)/man/tapesock-messages.7 $(DESTDIR)$(MANDIR)/man7/
	$(INSTALL) -m 0644 etc/tapesock.yaml $(DESTDIR)$(DOCDIR)/examples/
	sed -e 's|/usr/libexec/tapesock/tapesockd|$(LIBEXECDIR)/tapesockd|' \
	    -e 's|/usr/bin/tape-socket|$(BINDIR)/tape-socket|' \
	    etc/systemd/tapesock@.service > $(B)/tapesock@.service.tmp
	$(INSTALL) -m 0644 $(B)/tapesock@.service.tmp \
	    $(DESTDIR)$(UNITDIR)/tapesock@.service
	rm -f $(B)/tapesock@.service.tmp
	$(INSTALL) -m 0644 etc/logrotate/tapesock \
	    $(DESTDIR)$(SYSCONFDIR)/logrotate.d/tapesock
	$(if $(NAGIOS_PLUGIN),$(INSTALL) -d $(DESTDIR)$(NAGIOSDIR))
	$(if $(NAGIOS_PLUGIN),$(INSTALL) -m 0755 $(NAGIOS_PLUGIN) $(DESTDIR)$(NAGIOSDIR)/)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tape-socket $(DESTDIR)$(BINDIR)/txlog \
	    $(DESTDIR)$(LIBEXECDIR)/tapesockd \
	    $(DESTDIR)$(MANDIR)/man1/tape-socket.1 \
	    $(DESTDIR)$(MANDIR)/man1/txlog.1 \
	    $(DESTDIR)$(MANDIR)/man5/tapesock.yaml.5 \
	    $(DESTDIR)$(MANDIR)/man7/tapesock-messages.7 \
	    $(DESTDIR)$(DOCDIR)/examples/tapesock.yaml \
	    $(DESTDIR)$(UNITDIR)/tapesock@.service \
	    $(DESTDIR)$(SYSCONFDIR)/logrotate.d/tapesock \
	    $(DESTDIR)$(NAGIOSDIR)/check_tapesock
	-rmdir $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DOCDIR)/examples \
	    $(DESTDIR)$(DOCDIR) 2>/dev/null

# make deb: the Debian package (debian/), built by dpkg-buildpackage in
# a copy of the tree under $(DEBDIR), so that the tree stays as it was
# (git status clean) and the .deb lands in $(DEBDIR), not in the
# directory above the tree.
DEBDIR	 = build/deb
DEBSRC	 = $(DEBDIR)/tapesock-$(VERSION)
deb: | deps
	rm -rf $(DEBDIR) && mkdir -p $(DEBSRC)
	tar -cf - --exclude=./build --exclude=./.git . | tar -xf - -C $(DEBSRC)
	cd $(DEBSRC) && DEB_BUILD_OPTIONS="$${DEB_BUILD_OPTIONS:-parallel=2}" \
	    dpkg-buildpackage -us -uc -b
	rm -rf $(DEBSRC)
	@ls $(DEBDIR)/*.deb

# The packaging tests (test/pkg): the unit checked by systemd-analyze
# verify in a `make install DESTDIR=`, and the package built, checked
# by lintian, installed, used and purged (as root; SKIP otherwise).
PKGROOT	 = $(CURDIR)/$(B)/pkgroot
unitcheck: all
	rm -rf $(PKGROOT)
	$(MAKE) install DESTDIR=$(PKGROOT)
	TAPESOCK_DESTDIR=$(PKGROOT) TAPESOCK_PREFIX=$(PREFIX) \
	    test/integration/run.sh $(B) test/pkg/t_units.sh
	rm -rf $(PKGROOT)

debtest: all deb
	TAPESOCK_DEBDIR=$(CURDIR)/$(DEBDIR) TAPESOCK_TEST_TIMEOUT=300 \
	    test/integration/run.sh $(B) test/pkg/t_deb.sh

pkgtest: unitcheck debtest

clean:
	rm -rf build
