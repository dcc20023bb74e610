# parity - build, run and test. `make run` and `make test` do all the set-up
# on a fresh Debian 12 machine (as root); see README.md.

PKGS      := gdal proj libmicrohttpd libpq json-c zlib libcrypto libxxhash
CC        ?= cc
SAN       ?=
FUZZ      ?=
WERROR    ?=
# FUZZ=1: the same sources built by clang with libFuzzer's instrumentation
# (plus ASan/UBSan) into build/fuzz, for the targets in tests/fuzz.
ifneq ($(FUZZ),)
CC        := clang
endif
BUILD     := build$(if $(SAN),/san)$(if $(FUZZ),/fuzz)
CFLAGS    ?= -O2 -g
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_FLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=undefined
CFLAGS    += -std=c17 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wformat=2 -Wvla \
             -Iinclude -MMD -MP $(if $(WERROR),-Werror) \
             $(if $(SAN),$(SAN_FLAGS)) $(if $(FUZZ),$(FUZZ_FLAGS))
LDFLAGS   += $(if $(SAN),$(SAN_FLAGS))
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS    += $(PKG_LIBS) -lpthread -lm

SRCS      := $(wildcard src/*.c)
LIB_OBJS  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(filter-out src/main.c,$(SRCS))) \
             $(BUILD)/obj/sql_embedded.o
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(patsubst tests/unit/%.c,$(BUILD)/obj/unit/%.o,$(UNIT_SRCS))
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/%,$(FUZZ_SRCS))
SQL_FILES := $(wildcard sql/migrations/*.sql sql/queries/*.sql)

.PHONY: all deps web run test unit bench fuzz fuzz-build soak lint format clean \
        db-start db-stop

all: $(BUILD)/parity

$(BUILD)/parity: $(BUILD)/obj/main.o $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/test-unit: $(UNIT_OBJS) $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# A fuzz target: its harness linked with the library objects of the binary.
$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIB_OBJS)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< \
	    $(LIB_OBJS) $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

$(BUILD)/obj/%.o: src/%.c | $(BUILD)/obj
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/obj/unit/%.o: tests/unit/%.c | $(BUILD)/obj/unit
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests/unit -c -o $@ $<

$(BUILD)/obj/sql_embedded.o: $(BUILD)/gen/sql_embedded.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/gen/sql_embedded.c: $(SQL_FILES) scripts/embed-sql.sh | $(BUILD)/gen
	scripts/embed-sql.sh sql $@

$(BUILD)/obj $(BUILD)/obj/unit $(BUILD)/gen:
	mkdir -p $@

# Installs whatever of Debian's packages (and Node.js) is missing.
deps:
	scripts/deps.sh

# The page: OpenLayers from npm (committed lock file), bundled into build/web.
web:
	web/build.sh build/web

unit: $(BUILD)/test-unit
	$(BUILD)/test-unit

# `make run`: everything from a fresh machine to the map on :8080.
run: deps
	$(MAKE) all web
	scripts/run.sh

# `make test`: the whole suite against a throwaway private PostGIS, then the
# unit and integration suites again with the ASan+UBSan build (build/san),
# then each fuzz target for 10 s (build/fuzz); the last line is
# `N passed, N failed` over all of them.
test: deps
	scripts/deps.sh fuzz lint
	$(MAKE) all web $(BUILD)/test-unit
	$(MAKE) SAN=1 all build/san/test-unit
	$(MAKE) FUZZ=1 fuzz-build
	tests/run.sh

bench: deps
	scripts/deps.sh bench
	$(MAKE) all web
	tests/bench/run.sh

# `make fuzz`: every target in tests/fuzz for FUZZ_SECONDS each (default
# 30) from its seed corpus; findings go to tests/artifacts/fuzz.
fuzz:
	scripts/deps.sh fuzz
	$(MAKE) FUZZ=1 fuzz-build
	tests/fuzz/run.sh

# `make soak`: a bounded mixed load with a database restart in the middle
# (SOAK_SECONDS, default 60); see tests/soak/run.sh.
soak: deps
	scripts/deps.sh bench
	$(MAKE) all web
	tests/soak/run.sh

db-start:
	scripts/pg.sh start run
db-stop:
	scripts/pg.sh stop run

lint:
	clang-format --dry-run --Werror src/*.c include/parity/*.h tests/unit/*.c tests/fuzz/*.c tests/fuzz/*.h
	@! grep -nE '\b(sprintf|strcpy|strcat|gets|atoi|strtok)\s*\(' src/*.c include/parity/*.h \
	    || (echo "lint: use snprintf/memcpy/strtol/strtok_r instead" && false)

format:
	clang-format -i src/*.c include/parity/*.h tests/unit/*.c tests/fuzz/*.c tests/fuzz/*.h

clean:
	rm -rf build

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/obj/unit/*.d $(BUILD)/*.d)
