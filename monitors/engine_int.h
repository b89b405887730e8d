/*
 * The engine's insides, shared by its files: engine.c (setting up, dispatch,
 * instances, timers, records), engine_rule.c (event rules that raise alerts) and
 * engine_state.c (iteration and checkpoints). Nothing outside monitors/engine*.c
 * includes this; the interface is engine.h.
 */
#ifndef MPMON_MONITORS_ENGINE_INT_H
#define MPMON_MONITORS_ENGINE_INT_H

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/hmap.h"
#include "lib/str.h"
#include "monitors/engine.h"
#include "monitors/monitor.h"
#include "rules/event.h"

struct diag;
struct expr;
struct rollup;

#define MAX_NUMBERS 64		/* event numbers one subscription may index under */
#define RULE_BIT 0x80000000u	/* in a dispatch reference: a rule, not a monitor */
#define RULE_MAX_SUPPRESSED 10000	/* suppression keys one rule remembers */

/* A piece of an alert parameter: literal text or a field of the event. */
struct param_part {
	struct str literal;
	struct field_ref field;
	bool is_field;
	bool is_computer;	/* $Target/.../NetworkName$ and kin: the logging computer */
	struct str prop;	/* $Target/...Property[...]/NAME$: NAME, as the inventory has it */
};

struct monitor_param {
	struct param_part *parts;
	unsigned nparts;
};

/*
 * One health state of a monitor: there may be 10,000 of each, so the fields
 * are packed (96 bytes on 64-bit targets); the type's state and then the key
 * follow in the same allocation (engine_inst_key), and node borrows the key.
 */
struct inst {
	struct hmap_node node;			/* in its monitor's insts; node.len: the key's */
	struct inst *prev, *next;		/* least recently used first */
	struct mon *mon;
	int64_t since;				/* last change of health */
	int64_t deadline;
	uint64_t deadline_seq;			/* orders equal deadlines */
	int32_t state;				/* type state, -1 before the first */
	uint32_t heap_pos;			/* INST_NOT_IN_HEAP when not in the heap */
	uint8_t health;				/* enum mp_health */
	bool alert_open;
	alignas(max_align_t) unsigned char tstate[];
};

#define INST_NOT_IN_HEAP UINT32_MAX
#define INST_MAX_KEY UINT32_MAX		/* a longer key is refused, as memory would be */

/* Evaluations a regex left unfinished at its limit (engine_on_limit). */
struct limit_count {
	uint64_t hits;
	struct str pattern;			/* the first that did, borrowed */
};

struct mon {
	struct monitor m;
	struct limit_count limits;
	bool off;				/* configured, but turned off by the pack */
	bool on_elsewhere;			/* on where no setting says otherwise */
	struct hmap settings;			/* per-computer settings (engine_setting.c) */
	int leaf;				/* roll-up leaf, or ROLLUP_NO_LEAF */
	struct hmap_node id_node;		/* in the engine's ids */
	struct hmap insts;			/* by key */
	size_t count;
	struct inst *lru_head, *lru_tail;	/* head: least recently used */
};

/* A computer events came from or the inventory expects. */
struct computer {
	struct hmap_node node;			/* in the engine's computers, under name */
	bool expected;				/* the inventory's: its heartbeat is watched */
	char name[];
};

#define ENGINE_MAX_COMPUTERS 100000	/* past this, new computers start no monitors */

/* An open rule alert: the events with the same suppression values repeat it. */
struct supp {
	struct hmap_node node;			/* in its rule's supps, under key */
	uint64_t repeats;
	char key[];
};

/* An event rule that raises alerts (System.Health.GenerateAlert). */
struct rule {
	const struct mp_rule *def;
	struct expr *expr;
	struct limit_count limits;
	const char *log_name;			/* borrowed from the pack */
	bool off;
	bool on_elsewhere;			/* on where no setting says otherwise */
	struct hmap settings;			/* per-computer settings (engine_setting.c) */
	struct monitor_param *params;		/* AlertParameter1..n */
	unsigned nparams;
	struct monitor_param *supp_vals;	/* SuppressionValue1..n */
	unsigned nsupp_vals;
	struct hmap supps;			/* open alerts by suppression key */
	const char *diagnosis, *resolution;
};

/*
 * A subscription as the dispatch index holds it: which one, and up to
 * SIG_PAIRS byte pairs (pair bits, see engine.c) of the text its
 * EventDescription must hold, so that an event lacking one is turned away
 * without touching the monitor. sig[0] is SIG_NONE when no text is required.
 */
#define SIG_PAIRS 4
#define SIG_NONE 0xffffu

struct ref {
	uint32_t mon, sub;
	uint16_t sig[SIG_PAIRS];
};

/* One subscription under one event number; sorted by (number, mon, sub). */
struct num_ref {
	uint64_t number;
	struct ref r;
};

struct sub_ref {
	uint32_t mon, sub;
};

#define MAX_NEEDS 64		/* distinct required fields one log's index tells apart */

/* A subscription with neither constraint; need: 1 + its required field, or 0. */
struct any_ref {
	struct ref r;
	uint32_t need;
};

/* One subscription under one PublisherName; sorted by (name, mon, sub). */
struct pub_ref {
	struct str name;			/* borrowed from the pack */
	struct ref r;
};

/* The pub_refs of one name, pubs[start..start+n). */
struct pub_run {
	struct hmap_node node;			/* in pub_runs, under the name */
	uint32_t start, n;
};

struct log_index {
	char *name;
	size_t len;
	struct num_ref *nums;
	size_t nnums, capnums;
	bool sorted;				/* nums and pubs sorted, runs made */
	struct pub_ref *pubs;			/* no number, but PublisherName constraint */
	size_t npubs, cappubs;
	struct pub_run *runs;			/* one per name in pubs */
	struct hmap pub_runs;			/* of runs, by name */
	struct any_ref *any;			/* subscriptions constrained by neither */
	size_t nany, capany;
	struct field_ref needs[MAX_NEEDS];	/* fields some of them cannot pass without */
	unsigned nneeds;
};

/* A unit monitor that stays out, and why (for `mpmon doc`). */
struct disabled {
	const char *id;				/* borrowed from the pack */
	const char *why;			/* in the engine's arena */
};

struct engine {
	engine_emit_fn *emit;
	void *arg;
	engine_limit_fn *limit_fn;		/* engine_on_limit; NULL: none */
	void *limit_arg;
	engine_property_fn *prop_fn;		/* engine_on_property; NULL: none */
	const void *prop_arg;
	struct mon **mons;
	size_t nmons, capmons;
	struct mon **hearers;			/* running mons of a hears_every_event type */
	size_t nhearers, caphearers;
	struct hmap ids;			/* mons by ID (struct mon's id_node) */
	struct log_index *logs;
	size_t nlogs, caplogs;
	size_t last_log;		/* the log find_log found last, + 1; 0: none */
	struct inst **heap;
	size_t nheap, capheap;
	uint64_t deadline_seq;
	uint64_t seq;
	int64_t now;
	bool started;				/* the clock is known: instances may start */
	bool enable_all;
	struct engine_stats stats;
	struct arena arena;			/* params and knowledge text */
	struct buf msg;
	struct buf key;				/* a rule's suppression key */
	struct buf ikey;			/* an event's instance key */
	struct hmap computers;			/* seen or expected (struct computer) */
	struct computer **computer_list;	/* the same, to free them */
	size_t ncomputers, capcomputers;
	const struct computer *last_computer;	/* the last event's */
	struct rollup *rollup;
	bool rollup_on;
	const struct event *rollup_ev;		/* what the roll-up records being made read */
	enum state_cause rollup_cause;
	int64_t rollup_now;
	bool quiet;				/* restoring: bring the roll-up up to date silently */
	struct rule **rules;
	size_t nrules, caprules;
	struct engine_action **actions;		/* diagnostics and recoveries that run */
	size_t nactions, capactions;
	const struct mp_pack **packs;		/* added so far: references between them */
	size_t npacks, cappacks;
	struct disabled *disabled;		/* unit monitors that stay out */
	size_t ndisabled, capdisabled;
	struct sub_ref *cand, *merged;		/* scratch for dispatch */
	size_t capcand, capmerged;
	/* byte pairs in the event's EventDescription: those stamped with desc_gen */
	uint16_t desc_stamp[4096];
	uint16_t desc_gen;
};

/* Index list's settings in m by computer. 0 or -ENOMEM. */
int engine_settings_index(struct hmap *m, const struct mp_computer_setting *list);

/* The setting for computer, or NULL (none, or m is empty). */
const struct mp_computer_setting *engine_setting_at(const struct hmap *m, struct str computer);

/* Whether an element runs anywhere: enabled, or enabled on some computer. */
bool engine_enabled_somewhere(bool enabled, const struct mp_computer_setting *list);

void engine_settings_free(struct hmap *m);

/* Whether mo runs on computer: its setting there, else its own Enabled. */
bool engine_mon_on_at(const struct engine *e, const struct mon *mo, struct str computer);

/*
 * def's configuration with its configuration overrides applied, in *out
 * (def->config itself when it has none), built in a. An override of a
 * parameter t does not declare overridable is a warning and left out. 0 or
 * -ENOMEM.
 */
int engine_override_config(struct arena *a, const struct mp_monitor *def,
			   const struct monitor_type *t, const struct mp_elem **out, struct diag *d);

/*
 * The first Value or Pattern under e whose text is a $Target/...$ reference: a
 * property of each target object, which an expression compares with. mpmon
 * does not resolve those per instance, so such an expression would never
 * match. NULL when none (ComputerName elements aside).
 */
const struct mp_elem *engine_target_value(const struct mp_elem *e);

/* The monitor with this ID (running or turned off), or NULL. */
struct mon *engine_mon_find(const struct engine *e, const char *id);

/* Compile an AlertParameter's text ($Data/...$ references and literal text). */
int engine_compile_param(struct arena *a, const char *text, struct monitor_param *p);

/*
 * Compile an argument of a command: literal text, in which only $Data/...$ and
 * $Target/...$ are references (any other $ is text). Returns 0, -ENOMEM, or
 * -EINVAL with *bad set to a reference that has no value on Linux.
 */
int engine_compile_arg(struct arena *a, const char *text, struct monitor_param *p,
		       struct str *bad);

/*
 * Append parameter p's value for ev (or, without an event, for the instance
 * at computer and instance). A target property reads e's property source
 * (engine_on_property) first; e may be NULL.
 */
int engine_fill_param(const struct engine *e, struct buf *b, const struct monitor *m,
		      const struct monitor_param *p, const struct event *ev, struct str computer,
		      struct str instance);

/* Text t with {0}..{9} replaced by params; m, computer and instance stand in for a missing event. */
int engine_fill_text(const struct engine *e, struct buf *b, const char *t, const struct monitor *m,
		     const struct monitor_param *params, unsigned nparams, const struct event *ev,
		     struct str computer, struct str instance);

/* The first of a, b, c that is set and not empty; last otherwise. */
const char *engine_first_text(const char *a, const char *b, const char *c, const char *last);

/* Index subscription (mon, sub) of log log_name under x's event numbers. */
int engine_index_sub(struct engine *e, const char *log_name, const struct expr *x,
		     uint32_t mon, uint32_t sub);

/* The diagnosis and resolution text of element id from its knowledge article. */
int engine_knowledge_text(struct engine *e, const struct mp_pack *pack, const char *id,
			  const struct mp_article *ka, const char **diagnosis,
			  const char **resolution);

/*
 * An instance key: the computer's length in one byte, the computer (none for
 * a monitor whose target is not on a computer), then the InstanceField's
 * value. A computer name is at most ENGINE_COMPUTER_MAX bytes (DNS allows
 * 253): a longer one is cut there.
 */
#define ENGINE_COMPUTER_MAX 255

/* Set b to the key of computer and instance. 0 or -ENOMEM. */
int engine_key_make(struct buf *b, struct str computer, struct str instance);

/* The computer and instance parts of key (borrowed from it). */
void engine_key_split(struct str key, struct str *computer, struct str *instance);

/* The instance's key, borrowed from it. */
struct str engine_inst_key(const struct inst *in);

/* The instance for key, created when missing (*created says so); NULL on -ENOMEM. */
struct inst *engine_inst_get(struct engine *e, struct mon *mo, struct str key, bool *created);

/* Put in at deadline; MONITOR_NO_DEADLINE takes it out of the heap. */
int engine_set_deadline(struct engine *e, struct inst *in, int64_t deadline);

/* Tell the roll-up that a leaf's health changed. */
int engine_rollup_leaf_set(struct engine *e, const struct mon *mo, const struct inst *in,
			   enum mp_health h, int64_t now, enum state_cause cause,
			   const struct event *ev);

/* engine_rule.c: run rule ru on ev (it passed the rule's expression). */
int engine_rule_fire(struct engine *e, struct rule *ru, const struct event *ev);

/* engine_rule.c: set up the event rules of pack. */
int engine_add_rules(struct engine *e, const struct mp_pack *pack, struct diag *d);

/* Set up pack's diagnostics and recoveries (engine_action.c). 0 or -ENOMEM. */
int engine_add_actions(struct engine *e, const struct mp_pack *pack, struct diag *d);

/* Free the actions engine_add_actions set up. */
void engine_actions_free(struct engine *e);

/* engine_rule.c: free a rule; NULL does nothing. */
void engine_rule_free(struct rule *ru);

/*
 * engine_type.c: the type def runs as, or NULL when it cannot run: a warning
 * says why when the type exists (composed, not run yet, in a pack that is not
 * loaded), an error when it is defined nowhere (or the loader said so).
 */
const struct monitor_type *engine_monitor_type(const struct engine *e, const struct mp_pack *pack,
					       const struct mp_monitor *def, struct diag *d);

/*
 * engine_type.c: every element of def's Configuration must be one type t takes;
 * each other is an error at its line. Returns 0 or -EINVAL.
 */
int engine_config_check(const struct mp_pack *pack, const struct mp_monitor *def,
			const struct monitor_type *t, struct diag *d);

/*
 * engine_type.c: whether raw (a module's TypeID as written in pack) names a
 * loaded pack through its alias and that pack does not define it: defined
 * nowhere, which mp_pack_link reports.
 */
bool engine_type_missing(const struct engine *e, const struct mp_pack *pack, const char *raw);

/*
 * engine_type.c: check pack's references into the packs added before it and
 * theirs into pack (mp_pack_link), then hold pack among them. 0 or -ENOMEM.
 */
int engine_link_pack(struct engine *e, const struct mp_pack *pack, struct diag *d);

/*
 * engine_type.c: remember that def stays out, with the first problem d holds
 * about it from entry first on as the reason. 0 or -ENOMEM.
 */
int engine_note_disabled(struct engine *e, const struct mp_monitor *def, const struct diag *d,
			 size_t first);

#endif
