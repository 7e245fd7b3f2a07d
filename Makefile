# tapesock — plain GNU Makefile.  `make`, `make check`, `make demo`.
# Objects go under $(B); the sanitizer build uses B=build/san SAN=1.

B	?= build
VERSION	 = 0.1.0
PKGS	 = libbsd yaml-0.1
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
LDLIBS	 = $(shell pkg-config --libs $(PKGS))
CHECKLIBS = $(shell pkg-config --libs check)

LIBSRC	 = $(filter-out tapesock/main.c tapesock/mkmsgman.c,$(wildcard tapesock/*.c))
LIBOBJ	 = $(LIBSRC:%.c=$(B)/%.o)
UNITSRC	 = $(wildcard test/unit/*.c)
UNITOBJ	 = $(UNITSRC:%.c=$(B)/%.o)
PROGS	 = $(B)/tape-socket $(B)/mkmsgman

.PHONY: all deps check unit unit-run san integration demo man update-man clean
all: $(PROGS) $(B)/man/tapesock-messages.7

deps:
	@scripts/deps.sh

$(B)/%.o: %.c $(wildcard tapesock/*.h test/unit/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/libtapesock.a: $(LIBOBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/tape-socket: $(B)/tapesock/main.o $(B)/libtapesock.a
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

integration: all
	test/integration/run.sh $(B)

check: all
	$(MAKE) unit-run
	$(MAKE) san
	$(MAKE) integration

demo: all
	scripts/demo.sh $(B)

clean:
	rm -rf build
