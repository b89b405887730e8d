/*
 * The management-pack model: what the loader reads out of SCOM management-pack
 * XML (ManagementPack or ManagementPackFragment) and the rest of mpmon works from.
 * No libxml2 type appears here; configuration subtrees are copied into plain
 * mp_elem trees so that rules/ and monitors/ can read them.
 *
 * Lifetime: everything reachable from a struct mp_pack lives in the pack's arena
 * and stays valid until mp_pack_free().
 */
#ifndef MPMON_MP_XML_MP_H
#define MPMON_MP_XML_MP_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/arena.h"

struct diag;

#define MP_ALERT_PARAMS 10
#define MP_SUPPRESSION_VALUES 10	/* SuppressionValue elements of one GenerateAlert */

/* Health states, in SCOM's order of badness. */
enum mp_health {
	MP_HEALTH_UNINITIALIZED,
	MP_HEALTH_SUCCESS,
	MP_HEALTH_WARNING,
	MP_HEALTH_ERROR,
};

enum mp_severity {
	MP_SEVERITY_INFORMATION,
	MP_SEVERITY_WARNING,
	MP_SEVERITY_ERROR,
	MP_SEVERITY_MATCH_MONITOR_HEALTH,
};

enum mp_priority { MP_PRIORITY_LOW, MP_PRIORITY_NORMAL, MP_PRIORITY_HIGH };

/* "Uninitialized", "Success", "Warning", "Error". */
const char *mp_health_name(enum mp_health h);
/* Parse a HealthState/AlertOnState value; false when s is none of them. */
bool mp_health_parse(const char *s, enum mp_health *out);
/* "Information", "Warning", "Error", "MatchMonitorHealth". */
const char *mp_severity_name(enum mp_severity s);
/* "Low", "Normal", "High". */
const char *mp_priority_name(enum mp_priority p);

struct mp_attr {
	const char *name;
	const char *value;
	struct mp_attr *next;
};

/* A copy of one XML element and its descendants. */
struct inventory;

struct mp_elem {
	const char *name;	/* local name, without namespace prefix */
	const char *text;	/* the element's own character data, "" when none */
	const char *file;	/* the pack's name as given to mp_load */
	long line;
	struct mp_attr *attrs;
	struct mp_elem *parent, *child, *next;
};

/* First child called name (any child when name is NULL), or NULL. */
const struct mp_elem *mp_elem_child(const struct mp_elem *e, const char *name);
/* Next sibling called name (any when name is NULL), or NULL. */
const struct mp_elem *mp_elem_next(const struct mp_elem *e, const char *name);
/* Value of attribute name, or NULL when absent. */
const char *mp_elem_attr(const struct mp_elem *e, const char *name);
/* Text of the first child called name, or NULL when there is no such child. */
const char *mp_elem_child_text(const struct mp_elem *e, const char *name);

struct mp_reference {
	const char *alias;
	const char *id;		/* e.g. "Microsoft.Windows.Library" */
	const char *version;
	long line;
	struct mp_reference *next;
};

struct mp_class {
	const char *id;
	const char *base;	/* as written, may carry an alias */
	bool abstract, hosted, singleton;
	const char *display_name;
	long line;
	struct mp_class *next;
};

/* A RelationshipType: Base, Source and Target as written, aliases and all. */
struct mp_relationship {
	const char *id;
	const char *base, *source, *target;
	bool abstract;
	long line;
	struct mp_relationship *next;
};

/*
 * What instances of a target class there are, as mpmon keys a monitor's or a
 * rule's state (mp_scopes_resolve).
 */
enum mp_scope {
	MP_SCOPE_ONE,		/* one: a singleton (a group, a pool), or an unhosted
				 * class whose key values only an inventory gives */
	MP_SCOPE_COMPUTER,	/* one per computer: a computer class, or a class
				 * hosted on one, directly or not */
};

/* "one", "computer". */
const char *mp_scope_name(enum mp_scope s);

/* A section of a knowledge article, MAML rendered as plain text. */
struct mp_section {
	const char *title;	/* "Summary", "Causes", "Resolutions", ... */
	const char *text;	/* paragraphs separated by blank lines; lists as "- " or "1. " */
	struct mp_section *next;
};

struct mp_article {
	const char *element_id;
	long line;
	struct mp_section *sections;	/* in document order */
	struct mp_article *next;
};

/* Text of the first section titled title (case-insensitive), or NULL. */
const char *mp_article_section(const struct mp_article *a, const char *title);

struct mp_opstate {
	const char *id;
	const char *type_state_id;	/* MonitorTypeStateID */
	enum mp_health health;
	const char *display_name;	/* DisplayString with SubElementID = id, or NULL */
	long line;
};

struct mp_alert {
	bool present;			/* the monitor has AlertSettings */
	const char *message_id;		/* AlertMessage attribute */
	enum mp_health on_state;	/* AlertOnState: alert at this health or worse */
	bool auto_resolve;
	enum mp_priority priority;
	enum mp_severity severity;
	const char *params[MP_ALERT_PARAMS];	/* AlertParameter1..10 as written, NULL when absent */
	const char *message_name;	/* display string Name of message_id, or NULL */
	const char *message_text;	/* display string Description of message_id, or NULL */
	long line;
};

/*
 * What group and object overrides (mp_overrides_apply with an inventory) make
 * of a monitor or rule on one computer: its Enabled there and, for a monitor,
 * its alert settings there, starting from the element's own.
 */
/* The properties overrides set, as mpmon applies them. */
enum mp_prop {
	MP_PROP_ENABLED, MP_PROP_GENERATE_ALERT, MP_PROP_AUTO_RESOLVE, MP_PROP_SEVERITY,
	MP_PROP_PRIORITY, MP_PROP_ON_STATE, MP_NPROPS,
};

/* "Enabled", "GenerateAlert", "AutoResolve", "AlertSeverity", "AlertPriority", "AlertOnState". */
const char *mp_prop_name(enum mp_prop k);

/* Where a property's value came from: an override, or (id NULL) the element itself. */
struct mp_origin {
	const char *id;			/* the override's ID */
	const char *file;		/* the pack it stands in */
	long line;
	const char *group;		/* the group it holds for, NULL: a class or a computer */
};

/* A configuration parameter's value from a MonitorConfigurationOverride. */
struct mp_config_value {
	const char *parameter, *value;
	struct mp_origin origin;
	struct mp_config_value *next;
};

struct mp_computer_setting {
	const char *computer;
	bool enabled;
	struct mp_alert alert;		/* monitors only */
	struct mp_origin origin[MP_NPROPS];	/* of each property here */
	struct mp_computer_setting *next;
};

/*
 * The command a diagnostic's System.CommandExecuterProbe (or
 * System.Secure.CommandExecuterProbe) or a recovery's System.CommandExecuter
 * runs, all three of SCOM's System.Library: ApplicationName is the program,
 * CommandLine its arguments, split as mp_command_split() says. $Data/...$ and
 * $Target/...$ references stay in the arguments as written: they are filled
 * in per state change (the engine's engine_action_argv).
 */
struct mp_command {
	const char *application;	/* an absolute path */
	const char *const *args;	/* CommandLine's arguments, NULL-terminated */
	size_t nargs;
	const char *working_dir;	/* an absolute path; NULL: "/" */
	long timeout_s;			/* TimeoutSeconds, 0 when absent */
	bool require_output;		/* RequireOutput: no output, nothing follows */
	long line;			/* the ProbeAction or WriteAction */
};

struct mp_diagnostic {
	const char *id;
	const char *target;
	const char *monitor_id;		/* Monitor attribute */
	enum mp_health execute_on_state;
	bool enabled;
	const char *probe_type_id;	/* TypeID of the ProbeAction, as written */
	long timeout_s;			/* Timeout attribute, 0 when absent */
	const struct mp_command *command;	/* NULL when mpmon does not run it */
	const char *why_not;		/* then why ("mpmon runs ..."), for notes and pages */
	const char *display_name, *description;
	const struct mp_article *knowledge;
	long line;
	struct mp_diagnostic *next;
};

struct mp_recovery {
	const char *id;
	const char *target;
	const char *monitor_id;
	const char *execute_on_diagnostic;	/* NULL when it runs on state */
	enum mp_health execute_on_state;
	bool reset_monitor;
	bool enabled;
	const char *write_type_id;	/* TypeID of the WriteAction, as written */
	long timeout_s;			/* Timeout attribute, 0 when absent */
	const struct mp_command *command;	/* NULL when mpmon does not run it */
	const char *why_not;
	/*
	 * The <Expression> of a System.ExpressionFilter ConditionDetection on the
	 * diagnostic's output, NULL when the recovery has none.
	 */
	const struct mp_elem *condition;
	const char *display_name, *description;
	const struct mp_article *knowledge;
	long line;
	struct mp_recovery *next;
};

/*
 * Split a CommandLine into arguments, with no shell: blanks (space, tab,
 * newline) separate arguments; '...' keeps what it holds as it is; "..."
 * keeps blanks, with \" and \\ standing for " and \; outside quotes a
 * backslash takes the next character as it is; quoted and unquoted pieces
 * side by side make one argument, and "" or '' an empty one. A $Data/...$ or
 * $Target/...$ reference is copied whole, quotes in it included, so it stays
 * within one argument. Nothing else is special: no globbing, variables, ~,
 * redirection or command separators.
 *
 * Appends each argument to out as a NUL-terminated string and sets *argc.
 * Returns 0; -EINVAL for a quote without its end or a final backslash, with
 * *err set to a message and *at to the offset of the culprit; -ENOMEM.
 */
struct buf;
int mp_command_split(const char *s, struct buf *out, size_t *argc, const char **err, size_t *at);

/* Where a monitor's TypeID resolved to. */
enum mp_type_origin {
	MP_TYPE_LIBRARY,	/* a referenced (or conventional) library pack: type_pack says which */
	MP_TYPE_PACK,		/* a UnitMonitorType defined in this pack */
	MP_TYPE_EXTERNAL,	/* a fragment's alias or bare ID that other files of its project define */
	MP_TYPE_UNRESOLVED,	/* nowhere: the loader reported an error at the monitor's line */
};

struct mp_monitor {
	const char *id;
	long line;
	const char *type_id_raw;	/* as written: "Windows!Microsoft.Windows.2SingleEventLog2StateMonitorType" */
	const char *type_id;		/* without the alias */
	const char *type_pack;		/* the defining pack's ID, NULL when not known */
	enum mp_type_origin type_origin;
	const char *target;
	enum mp_scope scope;		/* of target, mp_scopes_resolve */
	const char *parent_monitor;	/* ParentMonitorID as written */
	const char *accessibility;
	const char *enabled_raw;	/* "true", "false", "onEssentialMonitoring", ... */
	bool enabled;			/* false only for "false" */
	struct mp_computer_setting *settings;	/* per computer, from overrides; NULL: none */
	struct mp_origin origin[MP_NPROPS];	/* of its properties, for validate --effective */
	struct mp_config_value *config_values;	/* configuration overrides for every instance */
	bool remotable;
	bool confirm_delivery;
	const char *priority;		/* the Priority attribute as written */
	const char *run_as;		/* RunAs profile as written, NULL for the default account */
	const char *category;
	struct mp_alert alert;
	struct mp_opstate *states;
	size_t nstates;
	const struct mp_elem *config;	/* <Configuration>, or NULL */
	const char *display_name, *description;
	const struct mp_article *knowledge;	/* ENU (or default) article, or NULL */
	const char *source_xml;		/* the UnitMonitor as text (MP_LOAD_SOURCE), else NULL */
	struct mp_monitor *next;
};

/* How an aggregate monitor combines its members' health. */
enum mp_algorithm {
	MP_ALGORITHM_WORST_OF,
	MP_ALGORITHM_BEST_OF,
	MP_ALGORITHM_PERCENTAGE,	/* with percentage: see engine.h */
};

/* "WorstOf", "BestOf", "Percentage". */
const char *mp_algorithm_name(enum mp_algorithm a);

/*
 * An AggregateMonitor: no state of its own, its health is combined from the
 * monitors whose ParentMonitorID names it (see the engine's roll-up).
 */
struct mp_aggregate {
	const char *id;
	long line;
	const char *target;		/* as written */
	enum mp_scope scope;		/* of target, mp_scopes_resolve */
	const char *parent_monitor;	/* ParentMonitorID as written, NULL when absent */
	const char *accessibility;
	const char *enabled_raw;
	bool enabled;			/* false only for "false" */
	const char *priority;
	const char *category;
	enum mp_algorithm algorithm;	/* WorstOf when there is no <Algorithm> */
	int percentage;			/* AlgorithmParameter for Percentage, 0..100 */
	long algorithm_line;		/* 0 when absent */
	struct mp_alert alert;
	const char *display_name, *description;
	const struct mp_article *knowledge;
	struct mp_aggregate *next;
};

/*
 * The System.Health.GenerateAlert write action of a rule (present is false
 * when the rule has none). Priority 0/1/2 and Severity 0/1/2 are mapped to the
 * enumerations; AlertMessageId's $MPElement[Name="X"]$ is reduced to X.
 */
struct mp_rule_alert {
	bool present;
	enum mp_priority priority;
	enum mp_severity severity;
	const char *message_id;		/* X, or the text as written when not $MPElement$ */
	const char *message_name;	/* display string Name of message_id, or NULL */
	const char *message_text;	/* display string Description, or NULL */
	const char *name, *description;	/* AlertName, AlertDescription when not empty */
	const char *params[MP_ALERT_PARAMS];	/* AlertParameter1..10 as written */
	const char *suppression[MP_SUPPRESSION_VALUES];	/* SuppressionValue as written */
	size_t nsuppression;
	bool has_suppression;		/* a <Suppression> element, even an empty one */
	long line;			/* the WriteAction */
};

/*
 * A Rule of Monitoring/Rules. Only what the engine needs to decide whether it
 * can run it and to run it: its first data source with its configuration, how
 * many modules of each kind it has, and the GenerateAlert write action.
 */
struct mp_rule {
	const char *id;
	long line;
	const char *target;
	enum mp_scope scope;		/* of target, mp_scopes_resolve */
	const char *enabled_raw;
	bool enabled;			/* false only for "false" */
	struct mp_computer_setting *settings;	/* per computer, from overrides; NULL: none */
	struct mp_origin origin[MP_NPROPS];	/* of its properties (Enabled only) */
	const char *category;
	const char *ds_type_raw;	/* TypeID of the first DataSource as written */
	const char *ds_type_id;		/* without the alias */
	const struct mp_elem *ds_config;	/* that DataSource element (its children are
						 * the configuration), or NULL */
	size_t ndata_sources, nconditions, nwrite_actions;
	const char *cd_type_raw;	/* first ConditionDetection's TypeID, or NULL */
	const char *other_wa_raw;	/* first WriteAction that is not GenerateAlert, or NULL */
	long other_wa_line;
	bool unresolved;		/* a module's TypeID resolves nowhere (an error the
					 * loader reported): the rule cannot run */
	struct mp_rule_alert alert;
	const char *display_name, *description;
	const struct mp_article *knowledge;
	struct mp_rule *next;
};

/* What kind of type a pack's TypeDefinitions define. */
enum mp_type_kind {
	MP_KIND_UNIT_MONITOR,		/* MonitorTypes/UnitMonitorType */
	MP_KIND_DATA_SOURCE,		/* ModuleTypes/DataSourceModuleType */
	MP_KIND_PROBE_ACTION,
	MP_KIND_CONDITION_DETECTION,
	MP_KIND_WRITE_ACTION,
};

/*
 * A UnitMonitorType or module type a pack defines, with the element names its
 * Configuration schema declares (its xsd:element children), so that a
 * monitor's Configuration can be checked against them.
 */
struct mp_type {
	const char *id;
	enum mp_type_kind kind;
	const char *const *config;	/* NULL-terminated element names, in order */
	bool config_open;		/* the schema holds more than plain xsd:elements
					 * (a sequence, a ref, xsd:any): names are not checked */
	long line;
	struct mp_type *next;
};

/*
 * A reference into another pack, through an alias of the pack's References
 * (in a fragment, a conventional alias): one entry per distinct element, with
 * the place of its first use, so that mp_pack_link can check it once that pack
 * is loaded.
 */
struct mp_xref {
	const char *pack;		/* the referenced pack's ID */
	const char *id;			/* the element's ID there, without the alias */
	const char *raw;		/* as first written, alias included */
	const char *what;		/* "type", "parent monitor", "$MPElement", ... */
	const char *owner_kind;		/* the referring element: "monitor", ...; NULL: none */
	const char *owner_id;
	long line;			/* the first reference */
	size_t count;			/* references to this element in the pack */
	struct mp_xref *next;
};

/* What an override targets. */
enum mp_override_kind {
	MP_OVERRIDE_MONITOR,
	MP_OVERRIDE_RULE,
	MP_OVERRIDE_DIAGNOSTIC,
	MP_OVERRIDE_RECOVERY,
};

/*
 * A MonitorPropertyOverride, RulePropertyOverride, DiagnosticPropertyOverride
 * or RecoveryPropertyOverride of Monitoring/Overrides. References are split
 * into the pack they name (this pack's ID, or NULL in a pack without an
 * identity, for a bare ID) and the ID there. mp_overrides_apply applies them.
 */
struct mp_override {
	const char *id;
	enum mp_override_kind kind;
	const char *pack;		/* the element's pack ID; NULL: this pack */
	const char *element;		/* its ID, without the alias */
	const char *context_pack;	/* likewise for Context */
	const char *context;
	const char *context_instance;	/* NULL when absent */
	bool enforced;
	const char *property;		/* as written */
	const char *value;		/* <Value>, trimmed */
	bool config;			/* a MonitorConfigurationOverride: property is its Parameter */
	bool known;			/* a property mpmon applies, with a valid value: */
	bool flag;			/* Enabled, GenerateAlert, AutoResolve */
	enum mp_severity severity;	/* AlertSeverity */
	enum mp_priority priority;	/* AlertPriority */
	enum mp_health on_state;	/* AlertOnState */
	long line;
	struct mp_override *next;
};

/* "monitor", "rule", "diagnostic", "recovery". */
const char *mp_override_kind_name(enum mp_override_kind k);

/* A GroupPopulator's MembershipRule: objects of a class, filtered by an expression. */
struct mp_membership_rule {
	const char *monitoring_class;	/* as written inside $MPElement[Name="..."]$ */
	const struct mp_elem *expression;	/* <Expression>, or NULL: every object */
	long line;
	struct mp_membership_rule *next;
};

/* A Discovery whose data source is SCOM's GroupPopulator: who is in a group. */
struct mp_populator {
	const char *discovery;		/* its ID */
	const char *group;		/* the group class as written (GroupInstanceId, or the Target) */
	long line;
	struct mp_membership_rule *rules;
	struct mp_populator *next;
};

struct mp_pack {
	const char *file;		/* name given to mp_load */
	bool fragment;			/* root is ManagementPackFragment */
	const char *id, *version;	/* Manifest Identity; NULL in a fragment */
	const char *name;		/* Manifest Name, or NULL */
	const char *display_name, *description;	/* the pack's own display string */
	struct mp_reference *references;
	struct mp_class *classes;
	struct mp_relationship *relationships;
	struct mp_monitor *monitors;	/* UnitMonitors in document order */
	size_t nmonitors;
	struct mp_aggregate *aggregates;	/* AggregateMonitors in document order */
	size_t naggregates;
	struct mp_rule *rules;		/* Rules in document order */
	size_t nrules;
	struct mp_diagnostic *diagnostics;
	struct mp_recovery *recoveries;
	struct mp_article *articles;	/* all knowledge articles of the chosen language */
	struct mp_type *types;		/* UnitMonitorTypes and module types, in order */
	const char **ids;		/* every element ID the pack defines, sorted (strcmp) */
	size_t nids;
	struct mp_xref *xrefs;		/* references into other packs */
	struct mp_override *overrides;	/* in document order */
	struct mp_populator *populators;	/* group populators, the last read first */
	const struct mp_elem *tree;	/* MP_LOAD_TREE: the whole document; else NULL */
	struct arena arena;
};

/*
 * Parse a pack from len bytes of XML (UTF-8, or UTF-16/UTF-8 with BOM). name is
 * used in diagnostics and kept in the pack. Nothing outside data is read: no
 * network, no DTD, no entities; a document with a DOCTYPE is refused.
 *
 * Problems go to d as "name:line" entries. Returns 0 and sets *out when the
 * document could be read as a pack (it may still carry errors, such as a TypeID
 * that resolves nowhere: check d->errors); returns -EINVAL (malformed XML, wrong
 * root) or -ENOMEM with *out set to NULL. The caller owns *out.
 */
int mp_load(const char *name, const void *data, size_t len, struct mp_pack **out,
	    struct diag *d);

/* What mp_load_flags keeps beyond what the monitors need to run. */
#define MP_LOAD_SOURCE 0x1u	/* each UnitMonitor as written, in source_xml */
/*
 * Not a pack: another document of the product in XML (an inventory), read as
 * safely as a pack and kept whole as elements in tree, whatever its root;
 * nothing else is filled in.
 */
#define MP_LOAD_TREE 0x2u

/*
 * mp_load keeping only what flags ask for beyond the running model: a
 * collector or a replay never shows a monitor's source, and writing each one
 * out again is a large share of loading a pack of many monitors. mp_load is
 * mp_load_flags with MP_LOAD_SOURCE.
 */
int mp_load_flags(const char *name, const void *data, size_t len, unsigned flags,
		  struct mp_pack **out, struct diag *d);

/* Free a pack and everything it holds; NULL does nothing. */
void mp_pack_free(struct mp_pack *p);

/* The monitor with this ID, or NULL. */
const struct mp_monitor *mp_pack_monitor(const struct mp_pack *p, const char *id);

/* The aggregate monitor with this ID, or NULL. */
const struct mp_aggregate *mp_pack_aggregate(const struct mp_pack *p, const char *id);

/* The rule with this ID, or NULL. */
const struct mp_rule *mp_pack_rule(const struct mp_pack *p, const char *id);

/*
 * Whether p defines an element with this ID: a class, relationship, type,
 * monitor, rule, discovery, diagnostic, recovery, override, string resource,
 * view, folder, ... (any element of TypeDefinitions, Monitoring, Presentation
 * and the other sections that carries an ID).
 */
bool mp_pack_defines(const struct mp_pack *p, const char *id);

/* The UnitMonitorType or module type with this ID that p defines, or NULL. */
const struct mp_type *mp_pack_type(const struct mp_pack *p, const char *id);

/*
 * Whether pack_id names one of the Microsoft libraries every SCOM management
 * group holds (System.Library, Microsoft.Windows.Library, System.Health.Library,
 * Microsoft.SystemCenter.Library, ...): what a pack references there exists in
 * SCOM even when no file of it is loaded.
 */
bool mp_library_known(const char *pack_id);

/*
 * Check p's references into other (p->xrefs whose pack is other->id): each
 * must name an element other defines. One that does not is an error at p's
 * line of its first use. Returns the number of such errors.
 */
size_t mp_pack_link(const struct mp_pack *p, const struct mp_pack *other, struct diag *d);

/*
 * The ID of the pack that alias (len bytes) names in p: the Reference with
 * that Alias, or, in a fragment (which has no References), the library VSAE
 * projects conventionally give it ("System" is System.Library). NULL when
 * none.
 */
const char *mp_pack_alias(const struct mp_pack *p, const char *alias, size_t len);

/*
 * Apply the overrides of the n packs to the elements of the n packs, whatever
 * their order: an override may stand in a pack before or after the one it
 * changes. One whose Context is the element's Target, or a class the Target
 * derives from, and that has no ContextInstance holds for every instance and
 * sets the property (Enabled; for monitors also GenerateAlert, AutoResolve,
 * AlertSeverity, AlertPriority, AlertOnState): those of a base class first, then of the
 * Target itself, so the most specific class wins; an Enforced one after all
 * others. Others are not applied, each with a warning at its line saying why
 * (a derived class, a group or an instance needs an inventory; an unrelated
 * class applies to nothing); an override of a pack that is not among them is
 * a note. Invalid values are errors. With an inventory (inv, may be NULL), an
 * override for a group (a group class Context, or a group's GUID as
 * ContextInstance) or one computer (its GUID) makes a setting of a monitor or
 * rule on each of those computers (its settings): after those for every
 * instance, a group's, then a computer's; two group overrides that disagree
 * on one computer are a warning. Call before the packs go to the engine.
 */
void mp_overrides_apply(struct mp_pack *const *packs, size_t n, const struct inventory *inv,
			struct diag *d);

/*
 * Set the scope of every monitor, aggregate and rule of the n packs from its
 * Target's class: the class's Base chain and hosting relationships (System.Hosting
 * and those derived from it) through the n packs and the classes of SCOM's
 * libraries that mpmon knows (System.Library, Microsoft.Windows.Library,
 * Microsoft.Unix.Library, Microsoft.SystemCenter.Library, ...). A class that
 * is a computer or is hosted, directly or through other hosted classes, on one
 * gives one instance per computer; a singleton or an unhosted class gives one.
 * A class none of them defines is taken as hosted on the computer that logs
 * the events (what nearly every pack's targets are), with a warning at the
 * first element that targets it when d is not NULL. mp_load resolves each
 * pack on its own; call this once all packs are read.
 */
void mp_scopes_resolve(struct mp_pack *const *packs, size_t n, struct diag *d);

/*
 * What SCOM's import would refuse of p that mpmon accepts, as errors in d at
 * their lines: mpmon's own monitor types (Mpmon.*), and the engine's
 * configuration elements (InstanceField, MaxInstances) that no type's schema
 * has. A fragment is a note: SCOM imports what its project builds.
 */
void mp_scom_check(const struct mp_pack *p, struct diag *d);

/*
 * Class raw (as written in p): 1 a computer class, 0 another class, -1 a
 * class no loaded pack defines and mpmon does not know.
 */
int mp_class_kind(struct mp_pack *const *packs, size_t n, const struct mp_pack *p, const char *raw);

/* Whether the class of bare ID id (any loaded pack's, or a library's) is raw or derives from it. */
bool mp_class_derives_id(struct mp_pack *const *packs, size_t n, const char *id,
			 const struct mp_pack *p, const char *raw);

/* How an override's Context class stands to an element's Target. */
enum mp_context {
	MP_CONTEXT_TARGET,	/* the Target itself */
	MP_CONTEXT_BASE,	/* a class the Target derives from: all its instances */
	MP_CONTEXT_DERIVED,	/* a class derived from the Target: some of its instances */
	MP_CONTEXT_GROUP,	/* a group (System.Group and derived): its members */
	MP_CONTEXT_OTHER,	/* unrelated: none of its instances */
	MP_CONTEXT_UNKNOWN,	/* a class no loaded pack defines and mpmon does not know */
};

/*
 * Where Context (ID context of pack context_pack, NULL for owner's own bare
 * ID) stands to target (as written in target_pack). For MP_CONTEXT_BASE,
 * *depth is how many Base steps lie between them (1 for the direct base);
 * else 0.
 */
enum mp_context mp_context_of(struct mp_pack *const *packs, size_t n,
			      const struct mp_pack *owner, const char *context_pack,
			      const char *context, const struct mp_pack *target_pack,
			      const char *target, int *depth);

#endif
