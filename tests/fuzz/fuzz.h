/*
 * What every libFuzzer target of tests/fuzz/ shares: the entry points libFuzzer
 * calls (declared here so -Wmissing-prototypes holds) and the checks of
 * properties that are bugs when they fail (the target aborts, libFuzzer saves the
 * input as a crash).
 */
#ifndef MPMON_TESTS_FUZZ_FUZZ_H
#define MPMON_TESTS_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Abort with a message when cond is false: a property the code promises broke. */
#define FUZZ_CHECK(cond, what) fuzz_check((cond), (what), __FILE__, __LINE__)
void fuzz_check(bool cond, const char *what, const char *file, int line);

/*
 * Whether s (n bytes) is one JSON value of the kind mpmon writes (objects,
 * strings, numbers, true/false/null) in valid UTF-8 with no raw control
 * character inside a string.
 */
bool fuzz_json_valid(const char *s, size_t n);

/* Read a whole file of the source tree (path relative to it); NULL when missing. */
char *fuzz_read_source(const char *path, size_t *len);

#endif

struct engine;
struct event;
struct state_change;

/*
 * Check ev's counts against its bounds and write every field as the replay
 * would, as JSON that must be valid UTF-8: a value that reads outside its
 * buffer shows under ASan.
 */
void fuzz_check_event(const struct event *ev);

/*
 * A new engine with the test packs of the replay fixtures that cover every
 * monitor type (loaded once, from the source tree), or NULL. emit may be NULL.
 */
struct engine *fuzz_test_engine(void (*emit)(void *, const struct state_change *), void *arg);

/* A new engine with the shipped packs of mp-xml/packs (loaded once), or NULL. */
struct engine *fuzz_shipped_engine(void);

/*
 * The first lines of the events of those fixtures, as one text of JSON lines
 * (loaded once, owned by the helpers), so a target can drive every pack's
 * monitors.
 */
const char *fuzz_fixture_events(size_t *len);

/* Feed the JSON lines of text (n bytes) to e as the replay does. */
void fuzz_feed_json(struct engine *e, const char *text, size_t n);
