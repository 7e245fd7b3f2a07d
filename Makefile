# tapesock — plain GNU Makefile.  `make`, `make check`, `make demo`.
# Objects go under $(B); the sanitizer build uses B=build/san SAN=1.

B	?= build
MAKEFLAGS += --no-print-directory
VERSION	 = 0.1.0
PKGS	 = libbsd yaml-0.1 libssl libcrypto
CC	?= cc
CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 \
	   -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
	   -Wno-unused-parameter -D_GNU_SOURCE -DTAPESOCK_VERSION='"$(VERSION)"' \
	   -Itapesock $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
ifeq ($(SAN),1)
CFLAGS	+= -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer
LDFLAGS	+= -fsanitize=address,undefined
endif
LDLIBS	 = $(shell pkg-config --libs $(PKGS)) -pthread
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

LIBSRC	 = $(filter-out tapesock/main.c tapesock/mkmsgman.c tapesock/mkcatalog.c tapesock/tapesockd.c,$(wildcard tapesock/*.c))
LIBOBJ	 = $(LIBSRC:%.c=$(B)/%.o) $(GENSRC:%.c=%.o)
UNITSRC	 = $(wildcard test/unit/*.c)
UNITOBJ	 = $(UNITSRC:%.c=$(B)/%.o)
PROGS	 = $(B)/tape-socket $(B)/tapesockd $(B)/mkmsgman

.PHONY: all deps fuzz check unit unit-run san integration security faults \
	faults-short \
	faults-progs demo bench man update-man clean
all: $(PROGS) $(B)/man/tapesock-messages.7

deps:
	@scripts/deps.sh

# Every object depends on the generated headers, so they exist before
# anything that includes catalog.h compiles (make -j too).
$(B)/%.o: %.c $(wildcard tapesock/*.h test/unit/*.h) $(GENHDR) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(GEN)/%.o: $(GEN)/%.c $(wildcard tapesock/*.h) $(GENHDR) | deps
	$(CC) $(CFLAGS) -c -o $@ $<

# mkcatalog rewrites a generated file only when it changes, so that a
# new Meaning recompiles the table alone; the stamp records the run.
# A generated file missing behind a current stamp is made again.
$(B)/mkcatalog: tapesock/mkcatalog.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTCFLAGS) $(HOSTLDFLAGS) -o $@ $<

$(GEN)/stamp: tapesock/messages.txt $(B)/mkcatalog
	@mkdir -p $(@D)
	$(B)/mkcatalog tapesock/messages.txt $(GEN)
	@touch $@

$(GENHDR) $(GENSRC): $(GEN)/stamp
	@test -f $@ || $(B)/mkcatalog tapesock/messages.txt $(GEN)

$(B)/libtapesock.a: $(LIBOBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/tape-socket: $(B)/tapesock/main.o $(B)/libtapesock.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tapesockd: $(B)/tapesock/tapesockd.o $(B)/libtapesock.a
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

integration: all $(B)/tsfake
	test/integration/run.sh $(B)

# The attack suite (test/security): each attack on the link, the files
# and the resources as a test that fails if it works again.
security: all $(B)/tsfake
	test/integration/run.sh $(B) $(wildcard test/security/s_*.sh)

check: all
	$(MAKE) unit-run
	$(MAKE) san
	$(MAKE) fuzz FUZZ_SECONDS=10
	$(MAKE) integration
	$(MAKE) security
	$(MAKE) faults-short

# The fault-injection suite (test/faults): a relay that cuts, stalls,
# blackholes and flips, a generator of numbered blocks and their
# verifier, and faults.sh, which kills and stops the servers under
# them.  `make faults` is the long run (hundreds of kills and cuts);
# `make check` runs the short one.  FAULTS= names scenarios to run.
FAULTPROGS = $(B)/test/faults/relay $(B)/test/faults/gen $(B)/test/faults/verify

$(B)/test/faults/%.o: test/faults/%.c test/faults/fblock.h tapesock/crc32c.h | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/test/faults/%: $(B)/test/faults/%.o $(B)/test/faults/fblock.o $(B)/libtapesock.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

faults-progs: $(FAULTPROGS)

faults: all faults-progs
	test/faults/faults.sh -m long $(B) $(FAULTS)

faults-short: all faults-progs
	test/faults/faults.sh -m short $(B) $(FAULTS)

# libFuzzer target of the frame and HELLO decoders (clang): `make fuzz`
# runs it for FUZZ_SECONDS from a corpus seeded with valid frames.
FUZZ_SECONDS ?= 20
FUZZCC	?= clang
FUZZSRC	 = tapesock/frame.c tapesock/crc32c.c
FUZZDEP	 = test/fuzz/fuzz_frame.c $(FUZZSRC) tapesock/frame.h tapesock/crc32c.h

$(B)/fuzz_frame: $(FUZZDEP) | deps
	@mkdir -p $(@D)
	$(FUZZCC) -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -D_GNU_SOURCE -Itapesock \
	    -o $@ test/fuzz/fuzz_frame.c $(FUZZSRC)

$(B)/fuzz_frame_seed: $(FUZZDEP) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DFUZZ_FRAME_SEED -o $@ test/fuzz/fuzz_frame.c $(FUZZSRC)

fuzz: $(B)/fuzz_frame $(B)/fuzz_frame_seed
	@mkdir -p $(B)/fuzz/frame
	$(B)/fuzz_frame_seed $(B)/fuzz/frame
	$(B)/fuzz_frame -max_total_time=$(FUZZ_SECONDS) -max_len=70000 \
	    -timeout=10 -artifact_prefix=$(B)/fuzz/ $(B)/fuzz/frame

demo: all
	scripts/demo.sh $(B)

# Throughput and latency of FIFO -> TCP 127.0.0.1 -> FIFO: tapesock
# (sync OFF and ON) against socat, mbuffer and a bare FIFO copy
# (doc/PERFORMANCE.md).  Its tools are not needed to build.
$(B)/benchio: $(B)/test/tools/benchio.o $(B)/libtapesock.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

bench: all $(B)/benchio
	@scripts/deps.sh bench
	scripts/bench.sh $(B)

clean:
	rm -rf build
