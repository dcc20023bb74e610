/* import_rows.c - partners, programs, sites and events through GDAL/OGR
 * (see import.h).
 *
 * Every row is read as text from its OGR fields (CSV columns arrive as
 * strings; other formats' typed values are rendered by OGR), checked here
 * with the field module, and upserted with one prepared statement inside the
 * import's single transaction. Points come from the layer's geometry, from
 * two coordinate columns, or from a WKT column, and are reprojected to
 * EPSG:4326 by OGR/PROJ; the database places each in its neighborhood.
 */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_hash_set.h>
#include <ctype.h>
#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import_internal.h"
#include "parity/field.h"
#include "parity/import.h"

/* More rows than this in one file are refused (the duplicate check keeps
 * one key per row in memory). */
#define MAX_ROWS 5000000L
/* The longest text value accepted (names, titles, descriptions). */
#define MAX_TEXT 8192

/* Rows sent to the database in one statement. */
#define BATCH_ROWS 500

#define KIND(k) (1u << (k))
/* Points of programs (sites, events); incidents are points of their own. */
#define PROGRAM_POINTS (KIND(IMPORT_SITES) | KIND(IMPORT_EVENTS))
#define POINT_KINDS    (PROGRAM_POINTS | KIND(IMPORT_INCIDENTS))
/* The kinds whose rows have a name (a title for events). */
#define ALL_KINDS                                                              \
    (KIND(IMPORT_PARTNERS) | KIND(IMPORT_PROGRAMS) | PROGRAM_POINTS)

typedef struct role_spec {
    const char *flag;
    unsigned kinds; /* the kinds that map this column */
} role_spec;

static const role_spec ROLES[IMPORT_ROLE_COUNT] = {
    [IMPORT_ROLE_ID] = {"--id-field", POINT_KINDS},
    [IMPORT_ROLE_NAME] = {"--name-field", ALL_KINDS},
    [IMPORT_ROLE_KIND] = {"--kind-field",
                          KIND(IMPORT_PARTNERS) | KIND(IMPORT_INCIDENTS)},
    [IMPORT_ROLE_CATEGORY] = {"--category-field",
                              KIND(IMPORT_PROGRAMS) | PROGRAM_POINTS},
    [IMPORT_ROLE_PROGRAM] = {"--program-field", PROGRAM_POINTS},
    [IMPORT_ROLE_PARTNER] = {"--partner-field",
                             KIND(IMPORT_PROGRAMS) | KIND(IMPORT_EVENTS)},
    [IMPORT_ROLE_DESCRIPTION] = {"--description-field", KIND(IMPORT_PROGRAMS)},
    [IMPORT_ROLE_START] = {"--date-field", KIND(IMPORT_PROGRAMS) |
                                               KIND(IMPORT_EVENTS) |
                                               KIND(IMPORT_INCIDENTS)},
    [IMPORT_ROLE_END] = {"--end-field",
                         KIND(IMPORT_PROGRAMS) | KIND(IMPORT_EVENTS)},
    [IMPORT_ROLE_ATTENDANCE] = {"--attendance-field", KIND(IMPORT_EVENTS)},
    [IMPORT_ROLE_YOUTH] = {"--youth-field", KIND(IMPORT_EVENTS)},
    [IMPORT_ROLE_HOURS] = {"--hours-field", KIND(IMPORT_EVENTS)},
    [IMPORT_ROLE_CAPACITY] = {"--capacity-field", KIND(IMPORT_SITES)},
    [IMPORT_ROLE_ADDRESS] = {"--address-field", KIND(IMPORT_SITES)},
    [IMPORT_ROLE_SENSITIVE] = {"--sensitive-field", KIND(IMPORT_SITES)},
    [IMPORT_ROLE_X] = {"--x-field", POINT_KINDS},
    [IMPORT_ROLE_Y] = {"--y-field", POINT_KINDS},
    [IMPORT_ROLE_WKT] = {"--wkt-field", POINT_KINDS},
};

/* What the summary calls each column. */
static const char *const ROLE_LABELS[IMPORT_ROLE_COUNT] = {"id",
                                                           "name",
                                                           "kind",
                                                           "category",
                                                           "program",
                                                           "partner",
                                                           "description",
                                                           "start",
                                                           "end",
                                                           "attendance",
                                                           "youth attendance",
                                                           "hours",
                                                           "capacity",
                                                           "address",
                                                           "sensitive",
                                                           "x",
                                                           "y",
                                                           "wkt"};

/* The partner kinds sql/migrations/0002_programs.sql allows. */
static const char *const PARTNER_KINDS[] = {
    "law enforcement", "government agency", "nonprofit", "business",
    "faith",           "community",         NULL};

/* An incident's kind in the form the database keeps (lower case; letters,
 * digits, spaces, _ / -; at most 63 bytes; starting with a letter or
 * digit) into out; false when text cannot be one. */
static bool incident_kind(const char *text, char *out, size_t outlen)
{
    size_t n = 0;
    while (*text == ' ')
        text++;
    for (; text[n]; n++) {
        unsigned char c = (unsigned char)tolower((unsigned char)text[n]);
        bool ok = isalnum(c) || (n > 0 && strchr(" _/-", c));
        if (!ok || n + 1 >= outlen || n >= 63)
            return false;
        out[n] = (char)c;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return n > 0;
}

const char *import_kind_name(import_kind kind)
{
    switch (kind) {
    case IMPORT_PARTNERS: return "partners";
    case IMPORT_PROGRAMS: return "programs";
    case IMPORT_SITES: return "sites";
    case IMPORT_EVENTS: return "events";
    case IMPORT_INCIDENTS: return "incidents";
    }
    return "rows";
}

const char *import_role_flag(import_role role)
{
    return role >= 0 && role < IMPORT_ROLE_COUNT ? ROLES[role].flag : "";
}

/* Column names tried, in order, when a flag is not given. */
static const char *const *role_guesses(import_kind kind, import_role role)
{
    static const char *const id_events[] = {"event_id", "id", "external_id",
                                            NULL};
    static const char *const id_sites[] = {"site_id", "id", "external_id",
                                           NULL};
    static const char *const id_incidents[] = {"incident_id",   "id",
                                               "external_id",   "case_number",
                                               "report_number", NULL};
    static const char *const kind_incidents[] = {
        "kind",          "type",       "offense",  "offense_type",
        "incident_type", "crime_type", "category", NULL};
    static const char *const start_incidents[] = {
        "date",          "occurred_on",  "occurred",
        "incident_date", "offense_date", "datetime",
        "start_time",    "start_date",   NULL};
    static const char *const name_events[] = {"title", "name", "event_title",
                                              "event_name", NULL};
    static const char *const name_sites[] = {"name", "site_name", "title",
                                             NULL};
    static const char *const name_partners[] = {"name", "partner",
                                                "partner_name", NULL};
    static const char *const name_programs[] = {"name", "program",
                                                "program_name", NULL};
    static const char *const kinds[] = {"kind", "type", "partner_kind",
                                        "partner_type", NULL};
    static const char *const category[] = {"category", "category_name",
                                           "program_category", NULL};
    static const char *const program[] = {"program", "program_name", NULL};
    static const char *const partner[] = {"partner", "partner_name", "host",
                                          NULL};
    static const char *const description[] = {"description", "details", NULL};
    static const char *const start_events[] = {
        "start_time", "starts_at", "start",      "start_date",
        "datetime",   "date",      "event_date", NULL};
    static const char *const start_programs[] = {"start_date", "starts_on",
                                                 "start", "begin_date", NULL};
    static const char *const end_events[] = {"end_time", "ends_at", "end",
                                             "end_date", NULL};
    static const char *const end_programs[] = {"end_date", "ends_on", "end",
                                               NULL};
    static const char *const attendance[] = {"attendance", "attendees",
                                             "participants", NULL};
    static const char *const youth[] = {"youth_attendance", "youth",
                                        "youth_attendees", NULL};
    static const char *const hours[] = {"hours", "duration_hours", NULL};
    static const char *const capacity[] = {"capacity", NULL};
    static const char *const address[] = {"address", "street_address", "addr",
                                          NULL};
    static const char *const sensitive[] = {"sensitive", "confidential", NULL};
    static const char *const x[] = {"lon",  "longitude", "lng",
                                    "long", "x",         NULL};
    static const char *const y[] = {"lat", "latitude", "y", NULL};
    static const char *const wkt[] = {"wkt",      "geometry", "geom",
                                      "the_geom", "wkt_geom", NULL};
    switch (role) {
    case IMPORT_ROLE_ID:
        return kind == IMPORT_EVENTS      ? id_events
               : kind == IMPORT_INCIDENTS ? id_incidents
                                          : id_sites;
    case IMPORT_ROLE_NAME:
        return kind == IMPORT_EVENTS     ? name_events
               : kind == IMPORT_SITES    ? name_sites
               : kind == IMPORT_PARTNERS ? name_partners
                                         : name_programs;
    case IMPORT_ROLE_KIND:
        return kind == IMPORT_INCIDENTS ? kind_incidents : kinds;
    case IMPORT_ROLE_CATEGORY: return category;
    case IMPORT_ROLE_PROGRAM: return program;
    case IMPORT_ROLE_PARTNER: return partner;
    case IMPORT_ROLE_DESCRIPTION: return description;
    case IMPORT_ROLE_START:
        return kind == IMPORT_PROGRAMS    ? start_programs
               : kind == IMPORT_INCIDENTS ? start_incidents
                                          : start_events;
    case IMPORT_ROLE_END:
        return kind == IMPORT_PROGRAMS ? end_programs : end_events;
    case IMPORT_ROLE_ATTENDANCE: return attendance;
    case IMPORT_ROLE_YOUTH: return youth;
    case IMPORT_ROLE_HOURS: return hours;
    case IMPORT_ROLE_CAPACITY: return capacity;
    case IMPORT_ROLE_ADDRESS: return address;
    case IMPORT_ROLE_SENSITIVE: return sensitive;
    case IMPORT_ROLE_X: return x;
    case IMPORT_ROLE_Y: return y;
    case IMPORT_ROLE_WKT: return wkt;
    case IMPORT_ROLE_COUNT: break;
    }
    return NULL;
}

/* ---- state of one import ------------------------------------------------ */

typedef enum point_source {
    POINTS_NONE,     /* partners, programs */
    POINTS_GEOMETRY, /* the layer's geometry */
    POINTS_COLUMNS,  /* x and y columns */
    POINTS_WKT       /* a WKT text column */
} point_source;

/* Rows of a names query, sorted bytewise by the column name_col. */
typedef struct lookup {
    db_result *res;
    int name_col;
} lookup;

/* A key (external id or name) already seen in this file, and its row. */
typedef struct seen_key {
    char *key;
    long row;
} seen_key;

typedef struct importer {
    const import_rows_options *opts;
    import_rows_summary *s;
    db_conn *conn;
    import_source src;
    OGRFeatureDefnH defn;
    int field[IMPORT_ROLE_COUNT]; /* -1: not mapped */
    bool guessed[IMPORT_ROLE_COUNT];
    point_source points;
    bool default_crs; /* x/y columns taken as EPSG:4326 without --s-srs */
    lookup categories, partners, programs;
    char known_categories[512];
    char category[64]; /* --category, canonical */
    field_time start;  /* --date */
    bool has_start;
    CPLHashSet *seen;
    import_reject *reject;
    bool reject_wanted;
    char reject_path[1024];
    size_t outside_used, rejected_used;
    long listed;
    bool storing;       /* false once a bad row dooms a refusing import */
    json_object *batch; /* rows not yet sent, with their keys and labels */
    int batch_n;
    char *batch_keys[BATCH_ROWS], *batch_labels[BATCH_ROWS];
} importer;

static unsigned long seen_hash(const void *elt)
{
    return CPLHashSetHashStr(((const seen_key *)elt)->key);
}

static int seen_equal(const void *a, const void *b)
{
    return !strcmp(((const seen_key *)a)->key, ((const seen_key *)b)->key);
}

static void seen_free(void *elt)
{
    seen_key *k = elt;
    free(k->key);
    free(k);
}

static int lookup_find(const lookup *l, const char *name)
{
    int lo = 0, hi = db_result_rows(l->res) - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(db_result_value(l->res, mid, l->name_col), name);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    /* not written exactly: accept a case-insensitive match if only one */
    int found = -1;
    for (int r = 0; r < db_result_rows(l->res); r++)
        if (!strcasecmp(db_result_value(l->res, r, l->name_col), name)) {
            if (found >= 0)
                return -1;
            found = r;
        }
    return found;
}

/* ---- one row ------------------------------------------------------------ */

typedef struct row {
    long number; /* file line for CSV, else the feature id */
    long long fid;
    char *text[IMPORT_ROLE_COUNT]; /* trimmed cells; NULL when blank */
    char label[300];               /* "line 5 (E0004)" */
    char external_id[256];
    char fallback_name[400];
    const char *name;
    char program_id[24], partner_id[24], category[64], kind[64];
    char start[48], end[48];
    char attendance[24], youth[24], hours[40], capacity[24];
    bool sensitive;
    char lon[40], lat[40];
} row;

static void row_dispose(row *r)
{
    for (int i = 0; i < IMPORT_ROLE_COUNT; i++)
        free(r->text[i]);
}

static const char *field_name(const importer *imp, import_role role)
{
    return imp->field[role] >= 0 ? OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(
                                       imp->defn, imp->field[role]))
                                 : ROLE_LABELS[role];
}

/* "<field> '<value>' <why>" into out. */
static bool bad_value(const importer *imp, import_role role, const char *value,
                      const char *why, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s '%.80s%s' %s", field_name(imp, role), value,
             strlen(value) > 80 ? "..." : "", why);
    return false;
}

/* Copies the mapped cells of the feature (OGR's string rendering may be
 * overwritten by the next call, so each is copied at once). */
static bool read_cells(importer *imp, OGRFeatureH feature, row *r, char *why,
                       size_t whylen)
{
    for (int role = 0; role < IMPORT_ROLE_COUNT; role++) {
        int i = imp->field[role];
        if (i < 0 || !OGR_F_IsFieldSetAndNotNull(feature, i))
            continue;
        const char *value = OGR_F_GetFieldAsString(feature, i);
        if (field_is_blank(value))
            continue;
        if (!field_valid_utf8(value)) {
            snprintf(why, whylen, "%s is not UTF-8 text",
                     field_name(imp, (import_role)role));
            return false;
        }
        size_t len = strlen(value);
        if (len > MAX_TEXT) {
            snprintf(why, whylen, "%s is longer than %d bytes",
                     field_name(imp, (import_role)role), MAX_TEXT);
            return false;
        }
        if (!(r->text[role] = malloc(len + 1))) {
            snprintf(why, whylen, "out of memory");
            return false;
        }
        field_trim(value, r->text[role], len + 1);
    }
    return true;
}

/* A time from the cell of role: typed date fields as OGR holds them, text
 * in ISO 8601 or --date-format. */
static bool read_time(importer *imp, OGRFeatureH feature, row *r,
                      import_role role, field_time *out, char *why,
                      size_t whylen)
{
    int i = imp->field[role];
    OGRFieldType type = OGR_Fld_GetType(OGR_FD_GetFieldDefn(imp->defn, i));
    if (type == OFTDate || type == OFTDateTime) {
        int year, month, day, hour, minute, tz;
        float second;
        if (!OGR_F_GetFieldAsDateTimeEx(feature, i, &year, &month, &day, &hour,
                                        &minute, &second, &tz))
            return bad_value(imp, role, r->text[role], "is not a date", why,
                             whylen);
        field_time t = {.year = year,
                        .month = month,
                        .day = day,
                        .hour = hour,
                        .minute = minute,
                        .second = (int)second,
                        .has_time = type == OFTDateTime,
                        .has_offset = tz > 1,
                        .offset_minutes = tz > 1 ? (tz - 100) * 15 : 0};
        *out = t;
        return true;
    }
    char reason[200];
    bool ok =
        imp->opts->date_format
            ? field_parse_format(r->text[role], imp->opts->date_format, out,
                                 reason, sizeof reason)
            : field_parse_iso8601(r->text[role], out, reason, sizeof reason);
    return ok || bad_value(imp, role, r->text[role], reason, why, whylen);
}

static bool read_count(importer *imp, row *r, import_role role, char *out,
                       size_t outlen, long *value, char *why, size_t whylen)
{
    char reason[64];
    if (!field_parse_count(r->text[role], INT_MAX, value, reason,
                           sizeof reason))
        return bad_value(imp, role, r->text[role], reason, why, whylen);
    snprintf(out, outlen, "%ld", *value);
    return true;
}

static bool check_category(importer *imp, row *r, char *why, size_t whylen)
{
    char lower[64];
    const char *text = r->text[IMPORT_ROLE_CATEGORY];
    size_t n = 0;
    for (; text[n] && n + 1 < sizeof lower; n++)
        lower[n] = (char)tolower((unsigned char)text[n]);
    lower[n] = '\0';
    int at = text[n] ? -1 : lookup_find(&imp->categories, lower);
    if (at < 0) {
        snprintf(why, whylen, "unknown category '%.60s' (known: %s)", text,
                 imp->known_categories);
        return false;
    }
    snprintf(r->category, sizeof r->category, "%s",
             db_result_value(imp->categories.res, at, 0));
    return true;
}

/* The stored id of the program or partner (what) named in the row, into
 * out; its row in the lookup, or -1 with why saying what to import first. */
static int check_named(const lookup *known, const char *what, const char *name,
                       char *out, size_t outlen, char *why, size_t whylen)
{
    int at = lookup_find(known, name);
    if (at < 0) {
        snprintf(why, whylen,
                 "unknown %s '%.80s' (%ss are imported first: parity import "
                 "%ss FILE)",
                 what, name, what, what);
        return -1;
    }
    snprintf(out, outlen, "%s", db_result_value(known->res, at, 0));
    return at;
}

/* The row's point in EPSG:4326 as text into r->lon, r->lat. */
static bool check_point(importer *imp, OGRFeatureH feature, row *r, char *why,
                        size_t whylen)
{
    double x = 0, y = 0;
    OGRGeometryH made = NULL, geom = NULL;
    if (imp->points == POINTS_COLUMNS) {
        const char *tx = r->text[IMPORT_ROLE_X], *ty = r->text[IMPORT_ROLE_Y];
        if (!tx && !ty) {
            snprintf(why, whylen, "no coordinates (%s and %s are empty)",
                     field_name(imp, IMPORT_ROLE_X),
                     field_name(imp, IMPORT_ROLE_Y));
            return false;
        }
        char reason[64];
        for (int k = 0; k < 2; k++) {
            import_role role = k ? IMPORT_ROLE_Y : IMPORT_ROLE_X;
            if (!r->text[role]) {
                snprintf(why, whylen, "no coordinate (%s is empty)",
                         field_name(imp, role));
                return false;
            }
            if (!field_parse_number(r->text[role], k ? &y : &x, reason,
                                    sizeof reason))
                return bad_value(imp, role, r->text[role], reason, why, whylen);
        }
    } else {
        if (imp->points == POINTS_WKT) {
            const char *text = r->text[IMPORT_ROLE_WKT];
            if (!text) {
                snprintf(why, whylen, "no geometry (%s is empty)",
                         field_name(imp, IMPORT_ROLE_WKT));
                return false;
            }
            char *cursor = r->text[IMPORT_ROLE_WKT];
            if (OGR_G_CreateFromWkt(&cursor, NULL, &made) != OGRERR_NONE ||
                !made)
                return bad_value(imp, IMPORT_ROLE_WKT, text,
                                 "is not WKT GDAL can read", why, whylen);
            geom = made;
        } else {
            geom = OGR_F_GetGeometryRef(feature);
        }
        if (!geom || OGR_G_IsEmpty(geom)) {
            snprintf(why, whylen, "no geometry");
            OGR_G_DestroyGeometry(made);
            return false;
        }
        OGRwkbGeometryType type = wkbFlatten(OGR_G_GetGeometryType(geom));
        if (type == wkbMultiPoint && OGR_G_GetGeometryCount(geom) == 1)
            geom = OGR_G_GetGeometryRef(geom, 0);
        else if (type != wkbPoint) {
            snprintf(why, whylen, "the geometry is a %s, not a point",
                     OGRGeometryTypeToName(type));
            OGR_G_DestroyGeometry(made);
            return false;
        }
        x = OGR_G_GetX(geom, 0);
        y = OGR_G_GetY(geom, 0);
        OGR_G_DestroyGeometry(made);
    }
    double x0 = x, y0 = y;
    if (imp->src.transform &&
        (!isfinite(x) || !isfinite(y) ||
         !OCTTransform(imp->src.transform, 1, &x, &y, NULL))) {
        snprintf(why, whylen,
                 "the point (%.10g %.10g) cannot be reprojected from "
                 "%s to EPSG:4326",
                 x0, y0, imp->src.srs_name);
        return false;
    }
    if (!isfinite(x) || !isfinite(y) || x < -180 || x > 180 || y < -90 ||
        y > 90) {
        snprintf(why, whylen,
                 "longitude %.10g, latitude %.10g is off the globe "
                 "(-180..180, -90..90)%s",
                 x, y,
                 imp->default_crs ? "; if the file is not in lon/lat, pass "
                                    "--s-srs with its CRS"
                                  : "");
        return false;
    }
    snprintf(r->lon, sizeof r->lon, "%.17g", x);
    snprintf(r->lat, sizeof r->lat, "%.17g", y);
    return true;
}

static bool check_dates(importer *imp, OGRFeatureH feature, row *r, char *why,
                        size_t whylen)
{
    /* Programs run between dates; an incident happened on a date (the
     * date as written, in the place where it happened). */
    bool date_only = imp->opts->kind == IMPORT_PROGRAMS ||
                     imp->opts->kind == IMPORT_INCIDENTS;
    field_time start, end;
    bool has_start = false, has_end = false;
    if (r->text[IMPORT_ROLE_START]) {
        if (!read_time(imp, feature, r, IMPORT_ROLE_START, &start, why, whylen))
            return false;
        has_start = true;
    } else if (imp->has_start) {
        start = imp->start;
        has_start = true;
    } else if (!date_only || imp->opts->kind == IMPORT_INCIDENTS) {
        snprintf(why, whylen, "no %s (%s is empty)",
                 imp->opts->kind == IMPORT_INCIDENTS ? "date" : "start",
                 field_name(imp, IMPORT_ROLE_START));
        return false;
    }
    if (r->text[IMPORT_ROLE_END]) {
        if (!read_time(imp, feature, r, IMPORT_ROLE_END, &end, why, whylen))
            return false;
        has_end = true;
    }
    if (has_start && has_end) {
        /* Comparable only when both or neither carry an offset; otherwise
         * the database's own check decides. */
        bool comparable = start.has_offset == end.has_offset;
        field_time a = start, b = end;
        if (date_only) {
            a.has_time = b.has_time = a.has_offset = b.has_offset = false;
            a.hour = a.minute = a.second = a.microsecond = 0;
            b.hour = b.minute = b.second = b.microsecond = 0;
            comparable = true;
        }
        if (comparable && field_time_compare(&b, &a) < 0) {
            snprintf(why, whylen, "%s '%.40s' is before %s '%.40s'",
                     field_name(imp, IMPORT_ROLE_END), r->text[IMPORT_ROLE_END],
                     r->text[IMPORT_ROLE_START]
                         ? field_name(imp, IMPORT_ROLE_START)
                         : "--date",
                     r->text[IMPORT_ROLE_START] ? r->text[IMPORT_ROLE_START]
                                                : imp->opts->start);
            return false;
        }
    }
    if (date_only) {
        if (has_start)
            field_date_format(&start, r->start, sizeof r->start);
        if (has_end)
            field_date_format(&end, r->end, sizeof r->end);
    } else {
        field_time_format(&start, r->start, sizeof r->start);
        if (has_end)
            field_time_format(&end, r->end, sizeof r->end);
    }
    return true;
}

/* Checks one row and fills r with the statement's parameters; false with
 * the reason in why when the row is bad. */
static bool check_row(importer *imp, OGRFeatureH feature, row *r, char *why,
                      size_t whylen)
{
    import_kind kind = imp->opts->kind;
    if (!read_cells(imp, feature, r, why, whylen))
        return false;

    if (imp->points != POINTS_NONE) {
        if (r->text[IMPORT_ROLE_ID]) {
            snprintf(r->external_id, sizeof r->external_id, "%s",
                     r->text[IMPORT_ROLE_ID]);
            snprintf(r->label + strlen(r->label),
                     sizeof r->label - strlen(r->label), " (%.200s)",
                     r->external_id);
        } else {
            snprintf(r->external_id, sizeof r->external_id, "fid:%lld", r->fid);
        }
        if (strlen(r->text[IMPORT_ROLE_ID] ? r->text[IMPORT_ROLE_ID] : "") >=
            sizeof r->external_id) {
            snprintf(why, whylen, "%s is longer than %zu bytes",
                     field_name(imp, IMPORT_ROLE_ID),
                     sizeof r->external_id - 1);
            return false;
        }
        r->name = r->text[IMPORT_ROLE_NAME];
        if (!r->name && kind != IMPORT_INCIDENTS) {
            snprintf(r->fallback_name, sizeof r->fallback_name, "%s %s",
                     imp->s->layer, r->external_id);
            r->name = r->fallback_name;
        }
    } else {
        r->name = r->text[IMPORT_ROLE_NAME];
        if (r->name)
            snprintf(r->label + strlen(r->label),
                     sizeof r->label - strlen(r->label), " (%.200s)", r->name);
        else {
            snprintf(why, whylen, "no name (%s is empty)",
                     field_name(imp, IMPORT_ROLE_NAME));
            return false;
        }
    }

    if (kind == IMPORT_PARTNERS) {
        const char *text = r->text[IMPORT_ROLE_KIND] ? r->text[IMPORT_ROLE_KIND]
                                                     : imp->opts->partner_kind;
        if (!text) {
            snprintf(why, whylen,
                     "no kind (%s is empty and no --kind was given)",
                     field_name(imp, IMPORT_ROLE_KIND));
            return false;
        }
        for (const char *const *k = PARTNER_KINDS; *k; k++)
            if (!strcasecmp(text, *k))
                snprintf(r->kind, sizeof r->kind, "%s", *k);
        if (!r->kind[0]) {
            snprintf(why, whylen,
                     "unknown kind '%.60s' (known: law enforcement, government "
                     "agency, nonprofit, business, faith, community)",
                     text);
            return false;
        }
    }

    if (kind == IMPORT_INCIDENTS) {
        const char *text = r->text[IMPORT_ROLE_KIND] ? r->text[IMPORT_ROLE_KIND]
                                                     : imp->opts->partner_kind;
        if (!text) {
            snprintf(why, whylen,
                     "no kind (%s is empty and no --kind was given)",
                     field_name(imp, IMPORT_ROLE_KIND));
            return false;
        }
        if (!incident_kind(text, r->kind, sizeof r->kind))
            return bad_value(imp, IMPORT_ROLE_KIND, text,
                             "is not a kind: letters, digits, spaces, _ / -, "
                             "at most 63 (e.g. shooting, aggravated assault)",
                             why, whylen);
    }

    int program = -1;
    if (r->text[IMPORT_ROLE_PROGRAM] &&
        (program = check_named(&imp->programs, "program",
                               r->text[IMPORT_ROLE_PROGRAM], r->program_id,
                               sizeof r->program_id, why, whylen)) < 0)
        return false;
    if (r->text[IMPORT_ROLE_PARTNER] &&
        check_named(&imp->partners, "partner", r->text[IMPORT_ROLE_PARTNER],
                    r->partner_id, sizeof r->partner_id, why, whylen) < 0)
        return false;
    if (kind == IMPORT_EVENTS && !r->partner_id[0] && program >= 0 &&
        !db_result_is_null(imp->programs.res, program, 3))
        snprintf(r->partner_id, sizeof r->partner_id, "%s",
                 db_result_value(imp->programs.res, program, 3));

    if (kind != IMPORT_PARTNERS && kind != IMPORT_INCIDENTS) {
        if (r->text[IMPORT_ROLE_CATEGORY]) {
            if (!check_category(imp, r, why, whylen))
                return false;
        } else if (imp->category[0]) {
            snprintf(r->category, sizeof r->category, "%s", imp->category);
        } else if (program >= 0 && kind == IMPORT_EVENTS) {
            snprintf(r->category, sizeof r->category, "%s",
                     db_result_value(imp->programs.res, program, 2));
        } else if (program < 0) {
            snprintf(why, whylen,
                     "no category (%s is empty, no --category was given%s)",
                     field_name(imp, IMPORT_ROLE_CATEGORY),
                     kind == IMPORT_PROGRAMS ? ""
                                             : " and no program gives one");
            return false;
        } /* a site of a program with no category of its own: the program's */
    }

    if ((kind == IMPORT_PROGRAMS || kind == IMPORT_EVENTS ||
         kind == IMPORT_INCIDENTS) &&
        !check_dates(imp, feature, r, why, whylen))
        return false;

    if (kind == IMPORT_EVENTS) {
        long attendance = -1, youth = -1;
        double hours;
        char reason[64];
        if (r->text[IMPORT_ROLE_ATTENDANCE] &&
            !read_count(imp, r, IMPORT_ROLE_ATTENDANCE, r->attendance,
                        sizeof r->attendance, &attendance, why, whylen))
            return false;
        if (r->text[IMPORT_ROLE_YOUTH] &&
            !read_count(imp, r, IMPORT_ROLE_YOUTH, r->youth, sizeof r->youth,
                        &youth, why, whylen))
            return false;
        if (attendance >= 0 && youth > attendance) {
            snprintf(why, whylen, "%s %ld is more than %s %ld",
                     field_name(imp, IMPORT_ROLE_YOUTH), youth,
                     field_name(imp, IMPORT_ROLE_ATTENDANCE), attendance);
            return false;
        }
        if (r->text[IMPORT_ROLE_HOURS]) {
            if (!field_parse_number(r->text[IMPORT_ROLE_HOURS], &hours, reason,
                                    sizeof reason))
                return bad_value(imp, IMPORT_ROLE_HOURS,
                                 r->text[IMPORT_ROLE_HOURS], reason, why,
                                 whylen);
            if (hours < 0 || hours >= 999999.995)
                return bad_value(
                    imp, IMPORT_ROLE_HOURS, r->text[IMPORT_ROLE_HOURS],
                    hours < 0 ? "is negative" : "is too large", why, whylen);
            snprintf(r->hours, sizeof r->hours, "%.17g", hours);
        }
    }

    if (kind == IMPORT_SITES) {
        long capacity;
        char reason[64];
        if (r->text[IMPORT_ROLE_CAPACITY] &&
            !read_count(imp, r, IMPORT_ROLE_CAPACITY, r->capacity,
                        sizeof r->capacity, &capacity, why, whylen))
            return false;
        if (r->text[IMPORT_ROLE_SENSITIVE] &&
            !field_parse_bool(r->text[IMPORT_ROLE_SENSITIVE], &r->sensitive,
                              reason, sizeof reason))
            return bad_value(imp, IMPORT_ROLE_SENSITIVE,
                             r->text[IMPORT_ROLE_SENSITIVE], reason, why,
                             whylen);
    }

    if (imp->points != POINTS_NONE &&
        !check_point(imp, feature, r, why, whylen))
        return false;

    /* Last: a key seen before in this file (only good rows count). */
    const char *key = imp->points != POINTS_NONE ? r->external_id : r->name;
    seen_key probe = {(char *)key, 0};
    const seen_key *before = CPLHashSetLookup(imp->seen, &probe);
    if (before) {
        snprintf(why, whylen, "%s '%.80s' is also on %s %ld",
                 imp->points != POINTS_NONE ? "id" : "name", key,
                 imp->src.is_csv ? "line" : "feature", before->row);
        return false;
    }
    seen_key *entry = malloc(sizeof *entry);
    if (!entry || !(entry->key = strdup(key))) {
        free(entry);
        snprintf(why, whylen, "out of memory");
        return false;
    }
    entry->row = r->number;
    CPLHashSetInsert(imp->seen, entry);
    return true;
}

/* ---- storing, in batches ------------------------------------------------ */

static void put(json_object *obj, const char *key, const char *value)
{
    if (value && *value)
        json_object_object_add(obj, key, json_object_new_string(value));
}

static void note_outside(importer *imp, const char *label)
{
    imp->s->outside++;
    size_t size = sizeof imp->s->outside_rows;
    if (imp->s->outside_listed == IMPORT_LISTED_ROWS ||
        imp->outside_used + 40 >= size)
        return;
    imp->s->outside_listed++;
    int n = snprintf(imp->s->outside_rows + imp->outside_used,
                     size - imp->outside_used, "%s%s",
                     imp->outside_used ? ", " : "", label);
    if (n > 0 && imp->outside_used + (size_t)n < size)
        imp->outside_used += (size_t)n;
    else
        imp->s->outside_rows[imp->outside_used] = '\0';
}

static void batch_clear(importer *imp)
{
    for (int i = 0; i < imp->batch_n; i++) {
        free(imp->batch_keys[i]);
        free(imp->batch_labels[i]);
    }
    imp->batch_n = 0;
    json_object_put(imp->batch);
    imp->batch = NULL;
}

/* Upserts the rows collected so far with one statement. */
static parity_status batch_flush(importer *imp, char *err, size_t errlen)
{
    static const char *const QUERIES[] = {
        [IMPORT_PARTNERS] = "import_partner_upsert",
        [IMPORT_PROGRAMS] = "import_program_upsert",
        [IMPORT_SITES] = "import_site_upsert",
        [IMPORT_EVENTS] = "import_event_upsert",
        [IMPORT_INCIDENTS] = "import_incident_upsert",
    };
    if (imp->batch_n == 0)
        return PARITY_OK;
    const char *params[] = {json_object_to_json_string_ext(
                                imp->batch, JSON_C_TO_STRING_PLAIN |
                                                JSON_C_TO_STRING_NOSLASHESCAPE),
                            imp->s->source};
    bool points = imp->points != POINTS_NONE;
    db_result *res = NULL;
    char inner[512];
    parity_status status =
        db_query(imp->conn, QUERIES[imp->opts->kind], points ? 2 : 1, params,
                 &res, inner, sizeof inner);
    if (status != PARITY_OK) {
        status = parity_fail(err, errlen, status,
                             "%s: the database refused the rows %s to %s: %s",
                             imp->opts->file, imp->batch_labels[0],
                             imp->batch_labels[imp->batch_n - 1], inner);
    } else {
        for (int r = 0; r < db_result_rows(res); r++) {
            if (db_result_value(res, r, 1)[0] == 't')
                imp->s->inserted++;
            else
                imp->s->updated++;
            imp->s->stored++;
            if (!points || !db_result_is_null(res, r, 2))
                continue;
            const char *key = db_result_value(res, r, 0);
            for (int i = 0; i < imp->batch_n; i++)
                if (!strcmp(imp->batch_keys[i], key)) {
                    note_outside(imp, imp->batch_labels[i]);
                    break;
                }
        }
    }
    db_result_free(res);
    batch_clear(imp);
    return status;
}

/* Adds a checked row to the batch, flushing it when full. */
static parity_status store_row(importer *imp, row *r, char *err, size_t errlen)
{
    json_object *obj = json_object_new_object();
    switch (imp->opts->kind) {
    case IMPORT_PARTNERS:
        put(obj, "name", r->name);
        put(obj, "kind", r->kind);
        break;
    case IMPORT_PROGRAMS:
        put(obj, "name", r->name);
        put(obj, "partner_id", r->partner_id);
        put(obj, "category", r->category);
        put(obj, "description", r->text[IMPORT_ROLE_DESCRIPTION]);
        put(obj, "start_date", r->start);
        put(obj, "end_date", r->end);
        break;
    case IMPORT_SITES:
        put(obj, "name", r->name);
        put(obj, "program_id", r->program_id);
        put(obj, "category", r->category);
        put(obj, "address", r->text[IMPORT_ROLE_ADDRESS]);
        put(obj, "capacity", r->capacity);
        put(obj, "sensitive", r->sensitive ? "true" : "false");
        break;
    case IMPORT_EVENTS:
        put(obj, "title", r->name);
        put(obj, "program_id", r->program_id);
        put(obj, "partner_id", r->partner_id);
        put(obj, "category", r->category);
        put(obj, "starts_at", r->start);
        put(obj, "ends_at", r->end);
        put(obj, "attendance", r->attendance);
        put(obj, "youth_attendance", r->youth);
        put(obj, "hours", r->hours);
        break;
    case IMPORT_INCIDENTS:
        put(obj, "kind", r->kind);
        put(obj, "occurred_on", r->start);
        break;
    }
    if (imp->points != POINTS_NONE) {
        put(obj, "lon", r->lon);
        put(obj, "lat", r->lat);
        put(obj, "external_id", r->external_id);
    }
    if (!imp->batch)
        imp->batch = json_object_new_array();
    json_object_array_add(imp->batch, obj);
    int i = imp->batch_n++;
    imp->batch_keys[i] =
        strdup(imp->points != POINTS_NONE ? r->external_id : r->name);
    imp->batch_labels[i] = strdup(r->label);
    if (!imp->batch_keys[i] || !imp->batch_labels[i])
        return parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
    return imp->batch_n == BATCH_ROWS ? batch_flush(imp, err, errlen)
                                      : PARITY_OK;
}

static parity_status reject_row(importer *imp, OGRFeatureH feature, row *r,
                                const char *why, char *err, size_t errlen)
{
    imp->s->rejected++;
    if (!imp->opts->skip_invalid)
        imp->storing = false;
    if (imp->listed < IMPORT_LISTED_ROWS) {
        size_t size = sizeof imp->s->rejected_rows;
        int n =
            snprintf(imp->s->rejected_rows + imp->rejected_used,
                     size - imp->rejected_used, "  %s: %s\n", r->label, why);
        if (n > 0 && imp->rejected_used + (size_t)n < size) {
            imp->rejected_used += (size_t)n;
            imp->listed++;
        } else {
            imp->s->rejected_rows[imp->rejected_used] = '\0';
        }
    }
    if (!imp->reject_wanted)
        return PARITY_OK;
    parity_status status;
    if (!imp->reject) {
        status = import_reject_open(
            imp->reject_path, imp->src.layer, !imp->src.is_csv,
            imp->src.is_csv ? "line" : "feature", &imp->reject, err, errlen);
        if (status != PARITY_OK)
            return status;
        snprintf(imp->s->reject_file, sizeof imp->s->reject_file, "%s",
                 imp->reject_path);
    }
    return import_reject_write(imp->reject, feature, r->number, why, err,
                               errlen);
}

static parity_status read_rows(importer *imp, char *err, size_t errlen)
{
    const import_rows_options *opts = imp->opts;
    bool progress = opts->progress && isatty(STDERR_FILENO);
    long total = progress ? (long)OGR_L_GetFeatureCount(imp->src.layer, 1) : 0;
    progress = progress && total >= 1000;
    double started = import_now();
    parity_status status = PARITY_OK;
    OGRFeatureH feature;
    OGR_L_ResetReading(imp->src.layer);
    while (status == PARITY_OK &&
           (feature = OGR_L_GetNextFeature(imp->src.layer))) {
        if (++imp->s->read > MAX_ROWS) {
            OGR_F_Destroy(feature);
            status = parity_fail(err, errlen, PARITY_ERR_TOO_LARGE,
                                 "%s has more than %ld rows; split it into "
                                 "smaller files (nothing was stored)",
                                 opts->file, MAX_ROWS);
            break;
        }
        row r;
        memset(&r, 0, sizeof r);
        r.fid = OGR_F_GetFID(feature);
        if (r.fid < 0)
            r.fid = imp->s->read;
        /* GDAL's CSV driver numbers records from 1 after the header line. */
        r.number = imp->src.is_csv ? (long)r.fid + 1 : (long)r.fid;
        snprintf(r.label, sizeof r.label, "%s %ld",
                 imp->src.is_csv ? "line" : "feature", r.number);
        char why[512];
        if (check_row(imp, feature, &r, why, sizeof why)) {
            if (imp->storing)
                status = store_row(imp, &r, err, errlen);
        } else {
            status = reject_row(imp, feature, &r, why, err, errlen);
        }
        row_dispose(&r);
        OGR_F_Destroy(feature);
        if (progress && (imp->s->read % 256 == 0 || imp->s->read == total))
            import_draw_progress(imp->s->read, total, started, "rows");
    }
    if (status == PARITY_OK && imp->storing)
        status = batch_flush(imp, err, errlen);
    if (progress)
        fputc('\n', stderr);
    return status;
}

/* ---- set-up ------------------------------------------------------------- */

static void describe_fields(importer *imp)
{
    char *out = imp->s->fields;
    size_t size = sizeof imp->s->fields, used = 0;
    out[0] = '\0';
    for (int role = 0; role < IMPORT_ROLE_COUNT; role++) {
        if (role == IMPORT_ROLE_X || role == IMPORT_ROLE_Y ||
            role == IMPORT_ROLE_WKT || imp->field[role] < 0 ||
            used + 80 >= size)
            continue;
        const char *label =
            role == IMPORT_ROLE_NAME && imp->opts->kind == IMPORT_EVENTS
                ? "title"
            : role == IMPORT_ROLE_START && imp->opts->kind == IMPORT_INCIDENTS
                ? "date"
                : ROLE_LABELS[role];
        int n = snprintf(out + used, size - used, "%s%s from '%s'%s",
                         used ? ", " : "", label,
                         field_name(imp, (import_role)role),
                         imp->guessed[role] ? " (guessed)" : "");
        if (n > 0 && used + (size_t)n < size)
            used += (size_t)n;
    }
}

static parity_status choose_points(importer *imp, char *err, size_t errlen)
{
    const import_rows_options *opts = imp->opts;
    const char *gx = opts->fields[IMPORT_ROLE_X],
               *gy = opts->fields[IMPORT_ROLE_Y],
               *gw = opts->fields[IMPORT_ROLE_WKT];
    parity_status status;
    bool guessed;
    if (gw && (gx || gy))
        return parity_fail(err, errlen, PARITY_ERR_USAGE,
                           "give either --wkt-field or --x-field and "
                           "--y-field, not both");
    if (!gx != !gy)
        return parity_fail(err, errlen, PARITY_ERR_USAGE,
                           "--x-field and --y-field go together; give both");
    if (gw) {
        imp->points = POINTS_WKT;
    } else if (gx) {
        imp->points = POINTS_COLUMNS;
    } else if (!imp->src.is_csv &&
               OGR_L_GetGeomType(imp->src.layer) != wkbNone) {
        imp->points = POINTS_GEOMETRY;
    } else {
        int x, y, w;
        import_resolve_field(imp->defn, NULL, "--x-field",
                             role_guesses(opts->kind, IMPORT_ROLE_X), NULL, &x,
                             &guessed, err, errlen);
        import_resolve_field(imp->defn, NULL, "--y-field",
                             role_guesses(opts->kind, IMPORT_ROLE_Y), NULL, &y,
                             &guessed, err, errlen);
        import_resolve_field(imp->defn, NULL, "--wkt-field",
                             role_guesses(opts->kind, IMPORT_ROLE_WKT), NULL,
                             &w, &guessed, err, errlen);
        char fields[512];
        import_list_fields(imp->defn, fields, sizeof fields);
        if (x >= 0 && y >= 0)
            imp->points = POINTS_COLUMNS;
        else if (x >= 0 || y >= 0)
            return parity_fail(err, errlen, PARITY_ERR_USAGE,
                               "%s has a %s column '%s' but no %s column; pass "
                               "%s (the fields are: %s)",
                               opts->file, x >= 0 ? "longitude" : "latitude",
                               OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(
                                   imp->defn, x >= 0 ? x : y)),
                               x >= 0 ? "latitude" : "longitude",
                               x >= 0 ? "--y-field" : "--x-field", fields);
        else if (w >= 0)
            imp->points = POINTS_WKT;
        else
            return parity_fail(err, errlen, PARITY_ERR_USAGE,
                               "%s has no geometry and no coordinate columns "
                               "(none is named lon, longitude, lng, x / lat, "
                               "latitude, y or wkt); pass --x-field and "
                               "--y-field, or --wkt-field (the fields are: %s)",
                               opts->file, fields);
    }
    for (int role = IMPORT_ROLE_X; role <= IMPORT_ROLE_WKT; role++) {
        bool wanted = imp->points == POINTS_WKT       ? role == IMPORT_ROLE_WKT
                      : imp->points == POINTS_COLUMNS ? role != IMPORT_ROLE_WKT
                                                      : false;
        if (wanted && (status = import_resolve_field(
                           imp->defn, opts->fields[role], ROLES[role].flag,
                           role_guesses(opts->kind, (import_role)role), NULL,
                           &imp->field[role], &imp->guessed[role], err,
                           errlen)) != PARITY_OK)
            return status;
    }
    imp->default_crs = imp->points == POINTS_COLUMNS && !opts->source_srs;
    status = import_source_transform(
        &imp->src, opts->file, opts->source_srs,
        imp->points == POINTS_COLUMNS ? "EPSG:4326" : NULL, err, errlen);
    if (status != PARITY_OK)
        return status;
    const char *how = opts->source_srs   ? "given by --s-srs"
                      : imp->default_crs ? "taken as lon/lat without --s-srs"
                                         : "the file's";
    if (imp->points == POINTS_COLUMNS)
        snprintf(imp->s->points, sizeof imp->s->points,
                 "columns '%s', '%s'%s, CRS %s (%s)",
                 field_name(imp, IMPORT_ROLE_X), field_name(imp, IMPORT_ROLE_Y),
                 imp->guessed[IMPORT_ROLE_X] ? " (guessed)" : "",
                 imp->src.srs_name, how);
    else if (imp->points == POINTS_WKT)
        snprintf(imp->s->points, sizeof imp->s->points,
                 "WKT column '%s'%s, CRS %s (%s)",
                 field_name(imp, IMPORT_ROLE_WKT),
                 imp->guessed[IMPORT_ROLE_WKT] ? " (guessed)" : "",
                 imp->src.srs_name, how);
    else
        snprintf(imp->s->points, sizeof imp->s->points,
                 "the layer's geometry, CRS %s (%s)", imp->src.srs_name, how);
    return PARITY_OK;
}

static parity_status resolve_fields(importer *imp, char *err, size_t errlen)
{
    const import_rows_options *opts = imp->opts;
    unsigned bit = KIND(opts->kind);
    for (int role = 0; role < IMPORT_ROLE_COUNT; role++) {
        imp->field[role] = -1;
        if (opts->fields[role] && !(ROLES[role].kinds & bit))
            return parity_fail(err, errlen, PARITY_ERR_USAGE,
                               "%s does not apply to %s", ROLES[role].flag,
                               import_kind_name(opts->kind));
    }
    for (int role = 0; role < IMPORT_ROLE_COUNT; role++) {
        if (!(ROLES[role].kinds & bit) || role >= IMPORT_ROLE_X)
            continue;
        parity_status status = import_resolve_field(
            imp->defn, opts->fields[role], ROLES[role].flag,
            role_guesses(opts->kind, (import_role)role), NULL,
            &imp->field[role], &imp->guessed[role], err, errlen);
        if (status != PARITY_OK)
            return status;
    }
    /* One column may not serve as two (e.g. "name" for program and site). */
    for (int a = 0; a < IMPORT_ROLE_X; a++)
        for (int b = a + 1; b < IMPORT_ROLE_X; b++)
            if (imp->field[a] >= 0 && imp->field[a] == imp->field[b]) {
                int drop = imp->guessed[b] ? b : imp->guessed[a] ? a : -1;
                if (drop < 0)
                    return parity_fail(err, errlen, PARITY_ERR_USAGE,
                                       "%s and %s both name field '%s'",
                                       ROLES[a].flag, ROLES[b].flag,
                                       field_name(imp, (import_role)a));
                imp->field[drop] = -1;
                imp->guessed[drop] = false;
            }

    char fields[512];
    import_list_fields(imp->defn, fields, sizeof fields);
    if ((opts->kind == IMPORT_PARTNERS || opts->kind == IMPORT_PROGRAMS) &&
        imp->field[IMPORT_ROLE_NAME] < 0)
        return parity_fail(err, errlen, PARITY_ERR_USAGE,
                           "%s has no name column; pass --name-field (the "
                           "fields are: %s)",
                           opts->file, fields);
    if (opts->kind == IMPORT_PARTNERS && imp->field[IMPORT_ROLE_KIND] < 0 &&
        !opts->partner_kind)
        return parity_fail(
            err, errlen, PARITY_ERR_USAGE,
            "%s has no kind column; pass --kind-field, or "
            "--kind VALUE for every partner (the fields are: %s)",
            opts->file, fields);
    if (opts->kind == IMPORT_INCIDENTS && imp->field[IMPORT_ROLE_KIND] < 0 &&
        !opts->partner_kind)
        return parity_fail(err, errlen, PARITY_ERR_USAGE,
                           "%s has no kind column; pass --kind-field, or "
                           "--kind VALUE for every incident (the fields are: "
                           "%s)",
                           opts->file, fields);
    char kind_text[64];
    if (opts->kind == IMPORT_INCIDENTS && opts->partner_kind &&
        !incident_kind(opts->partner_kind, kind_text, sizeof kind_text))
        return parity_fail(err, errlen, PARITY_ERR_USAGE,
                           "--kind '%s' is not a kind: letters, digits, "
                           "spaces, _ / -, at most 63",
                           opts->partner_kind);
    if (opts->partner_kind && opts->kind == IMPORT_PARTNERS) {
        bool known = false;
        for (const char *const *k = PARTNER_KINDS; *k; k++)
            known = known || !strcasecmp(opts->partner_kind, *k);
        if (!known)
            return parity_fail(err, errlen, PARITY_ERR_USAGE,
                               "--kind '%s' is not a partner kind; use one of: "
                               "law enforcement, government agency, "
                               "nonprofit, business, faith, community",
                               opts->partner_kind);
    }
    if (opts->kind != IMPORT_PARTNERS && opts->kind != IMPORT_INCIDENTS &&
        imp->field[IMPORT_ROLE_CATEGORY] < 0 && !opts->category &&
        (opts->kind == IMPORT_PROGRAMS || imp->field[IMPORT_ROLE_PROGRAM] < 0))
        return parity_fail(
            err, errlen, PARITY_ERR_USAGE,
            "%s has no category column%s; pass --category-field, "
            "or --category VALUE for every row (the fields "
            "are: %s)",
            opts->file,
            opts->kind == IMPORT_PROGRAMS ? "" : " and no program column",
            fields);
    if ((opts->kind == IMPORT_EVENTS || opts->kind == IMPORT_INCIDENTS) &&
        imp->field[IMPORT_ROLE_START] < 0 && !opts->start)
        return parity_fail(
            err, errlen, PARITY_ERR_USAGE,
            "%s has no %s column; pass --date-field, or "
            "--date VALUE for every %s (the fields are: %s)",
            opts->file, opts->kind == IMPORT_EVENTS ? "start" : "date",
            opts->kind == IMPORT_EVENTS ? "event" : "incident", fields);
    if (opts->start) {
        char reason[200];
        bool ok = opts->date_format
                      ? field_parse_format(opts->start, opts->date_format,
                                           &imp->start, reason, sizeof reason)
                      : field_parse_iso8601(opts->start, &imp->start, reason,
                                            sizeof reason);
        if (!ok)
            return parity_fail(err, errlen, PARITY_ERR_USAGE, "--date '%s' %s",
                               opts->start, reason);
        imp->has_start = true;
    }
    return PARITY_OK;
}

/* Reads the categories, partners and programs rows may name (inside the
 * import's transaction, so they cannot change under it). */
static parity_status load_lookups(importer *imp, char *err, size_t errlen)
{
    parity_status status;
    if ((status = db_query(imp->conn, "import_categories", 0, NULL,
                           &imp->categories.res, err, errlen)) != PARITY_OK ||
        (status = db_query(imp->conn, "import_partner_names", 0, NULL,
                           &imp->partners.res, err, errlen)) != PARITY_OK ||
        (status = db_query(imp->conn, "import_program_names", 0, NULL,
                           &imp->programs.res, err, errlen)) != PARITY_OK)
        return status;
    imp->partners.name_col = 1;
    imp->programs.name_col = 1;
    size_t used = 0, size = sizeof imp->known_categories;
    for (int r = 0; r < db_result_rows(imp->categories.res) && used + 60 < size;
         r++) {
        int n =
            snprintf(imp->known_categories + used, size - used, "%s%s",
                     r ? ", " : "", db_result_value(imp->categories.res, r, 0));
        if (n > 0 && used + (size_t)n < size)
            used += (size_t)n;
    }
    if (imp->opts->category && imp->opts->kind != IMPORT_PARTNERS) {
        row probe;
        memset(&probe, 0, sizeof probe);
        probe.text[IMPORT_ROLE_CATEGORY] = (char *)imp->opts->category;
        char why[700];
        if (!check_category(imp, &probe, why, sizeof why))
            return parity_fail(err, errlen, PARITY_ERR_USAGE, "--category: %s",
                               why);
        snprintf(imp->category, sizeof imp->category, "%s", probe.category);
    }
    return PARITY_OK;
}

/* The reject file: given, else <base name of FILE>.rejects.csv here; never
 * the input itself. */
static parity_status choose_reject_path(importer *imp, char *err, size_t errlen)
{
    const import_rows_options *opts = imp->opts;
    imp->reject_wanted = opts->skip_invalid || opts->reject_file;
    if (opts->reject_file)
        snprintf(imp->reject_path, sizeof imp->reject_path, "%s",
                 opts->reject_file);
    else
        snprintf(imp->reject_path, sizeof imp->reject_path, "%s.rejects.csv",
                 CPLGetBasename(opts->file));
    struct stat a, b;
    if (stat(imp->reject_path, &a) == 0 && stat(opts->file, &b) == 0 &&
        a.st_dev == b.st_dev && a.st_ino == b.st_ino)
        return parity_fail(err, errlen, PARITY_ERR_USAGE,
                           "the reject file %s is the input itself; pass "
                           "--reject-file with another name",
                           imp->reject_path);
    size_t len = strlen(imp->reject_path);
    if (imp->reject_wanted &&
        (len < 4 || strcasecmp(imp->reject_path + len - 4, ".csv")))
        return parity_fail(err, errlen, PARITY_ERR_USAGE,
                           "--reject-file %s: the reject file is CSV; give it "
                           "a name ending in .csv",
                           imp->reject_path);
    return PARITY_OK;
}

static parity_status finish(importer *imp, parity_status status, char *err,
                            size_t errlen)
{
    const import_rows_options *opts = imp->opts;
    import_rows_summary *s = imp->s;
    if (status == PARITY_OK && s->read == 0)
        status = parity_fail(err, errlen, PARITY_ERR_INPUT,
                             "%s (layer %s) has no rows; nothing imported",
                             opts->file, s->layer);
    if (status == PARITY_OK && s->rejected && !opts->skip_invalid)
        status = parity_fail(
            err, errlen, PARITY_ERR_INPUT,
            "%s: %ld bad row%s of %ld; nothing stored. Fix %s, or pass "
            "--skip-invalid to store the %ld good row%s and write the bad ones "
            "to %s%s",
            opts->file, s->rejected, s->rejected == 1 ? "" : "s", s->read,
            s->rejected == 1 ? "it" : "them", s->read - s->rejected,
            s->read - s->rejected == 1 ? "" : "s", imp->reject_path,
            s->rejected > imp->listed ? " (the first ones are listed below)"
                                      : ":");
    if (status == PARITY_OK && s->stored == 0)
        status =
            parity_fail(err, errlen, PARITY_ERR_INPUT,
                        "%s: all %ld rows are bad; nothing stored (see %s)",
                        opts->file, s->read, imp->reject_path);
    if (status == PARITY_OK)
        status = db_exec(imp->conn, "COMMIT", err, errlen);
    else
        db_exec(imp->conn, "ROLLBACK", NULL, 0);
    if (status != PARITY_OK)
        s->stored = s->inserted = s->updated = s->outside = 0;
    /* A reject file is kept when the rows were all judged; an import that
     * broke off for another reason leaves none behind. */
    bool judged = status == PARITY_OK || status == PARITY_ERR_INPUT;
    import_reject_close(imp->reject, !judged);
    imp->reject = NULL;
    if (!judged)
        s->reject_file[0] = '\0';
    return status;
}

parity_status import_rows(db_conn *conn, const import_rows_options *opts,
                          import_rows_summary *s, char *err, size_t errlen)
{
    double started = import_now();
    memset(s, 0, sizeof *s);
    importer imp;
    memset(&imp, 0, sizeof imp);
    imp.opts = opts;
    imp.s = s;
    imp.conn = conn;
    imp.storing = true;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    parity_status status =
        import_source_open(&imp.src, opts->file, opts->layer, err, errlen);
    if (status == PARITY_OK) {
        imp.defn = OGR_L_GetLayerDefn(imp.src.layer);
        snprintf(s->layer, sizeof s->layer, "%s", OGR_L_GetName(imp.src.layer));
        snprintf(s->source, sizeof s->source, "%s",
                 opts->source ? opts->source : CPLGetFilename(opts->file));
        status = resolve_fields(&imp, err, errlen);
    }
    if (status == PARITY_OK &&
        (opts->kind == IMPORT_SITES || opts->kind == IMPORT_EVENTS ||
         opts->kind == IMPORT_INCIDENTS))
        status = choose_points(&imp, err, errlen);
    else if (status == PARITY_OK && opts->source_srs)
        status =
            parity_fail(err, errlen, PARITY_ERR_USAGE,
                        "--s-srs does not apply to %s (they have no points)",
                        import_kind_name(opts->kind));
    if (status == PARITY_OK)
        status = choose_reject_path(&imp, err, errlen);
    if (status == PARITY_OK) {
        describe_fields(&imp);
        s->has_name = imp.field[IMPORT_ROLE_NAME] >= 0;
        s->has_id = imp.field[IMPORT_ROLE_ID] >= 0;
        imp.seen = CPLHashSetNew(seen_hash, seen_equal, seen_free);
        status = db_exec(conn, "BEGIN", err, errlen);
        if (status == PARITY_OK)
            status = db_query(conn, "import_lock", 0, NULL, NULL, err, errlen);
        if (status == PARITY_OK && opts->kind == IMPORT_EVENTS) {
            const char *tz[] = {opts->timezone ? opts->timezone : "UTC"};
            char inner[256];
            if (db_query(conn, "import_timezone", 1, tz, NULL, inner,
                         sizeof inner) != PARITY_OK)
                status = parity_fail(
                    err, errlen, PARITY_ERR_USAGE,
                    "--timezone '%s' is not a time zone the "
                    "database knows (e.g. UTC, America/Chicago): %s",
                    tz[0], inner);
        }
        if (status == PARITY_OK)
            status = load_lookups(&imp, err, errlen);
        if (status == PARITY_OK)
            status = read_rows(&imp, err, errlen);
        status = finish(&imp, status, err, errlen);
    }
    batch_clear(&imp);
    if (imp.seen)
        CPLHashSetDestroy(imp.seen);
    db_result_free(imp.categories.res);
    db_result_free(imp.partners.res);
    db_result_free(imp.programs.res);
    import_source_close(&imp.src);
    CPLPopErrorHandler();
    s->seconds = import_now() - started;
    return status;
}
