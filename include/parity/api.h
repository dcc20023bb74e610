/*
 * api.h - the JSON API's collections, from one table-driven CRUD helper.
 *
 * Each collection (src/api_<name>.c) describes itself in an api_resource:
 * the fields its bodies accept (validate.h) and the list filters its list
 * query takes; its five queries are sql/queries/api_<name>_list, _get,
 * _insert, _update and _delete. api_crud_handle does the rest for every
 * collection alike:
 *
 *   GET|HEAD /api/NAME          list (filters, paging) -> 200
 *   GET|HEAD /api/NAME/{id}     one record -> 200, or 404
 *   POST     /api/NAME          create -> 201 + Location + the record
 *   PUT      /api/NAME/{id}     replace (required fields needed) -> 200
 *   PATCH    /api/NAME/{id}     change the fields given -> 200
 *   DELETE   /api/NAME/{id}     -> 204, or 404
 *
 * Reads are open; a read carrying a valid token is privileged (sees
 * sensitive sites). Writes need `Authorization: Bearer TOKEN` (401 without)
 * and run in one transaction: the answer is sent only after COMMIT.
 * List filters naming a category, neighborhood, partner or program that does
 * not exist are 400 (a typo should not look like an empty city).
 * Constraint violations become 400 (bad or unknown reference, broken rule)
 * or 409 (a unique value taken, a record still referenced) naming the field.
 * PostgreSQL builds every JSON answer; C copies the bytes.
 *
 * Query contracts (each file's header lists its parameters):
 *   list    the parameters named by list_params, in order; one row, one
 *           column: {"items":[...],"total":N,"limit":L,"offset":O,"next":...}
 *   get     $1 id [, $2 privileged when get_privileged]; the record's JSON,
 *           or no row
 *   insert  the body fields' parameters in table order (a point takes two:
 *           lon, lat; read-only fields none); one row: the new id
 *   update  $1 id, $2 text[] names of the fields to change, then as insert;
 *           one row: the id (it may change for text ids), or no row
 *   delete  $1 id; one row: the id, or no row
 * Thread-safe.
 */
#ifndef PARITY_API_H
#define PARITY_API_H

#include <stdbool.h>
#include <stddef.h>

#include "parity/handlers.h"
#include "parity/validate.h"

typedef enum api_param {
    API_END = 0,
    API_BBOX,         /* bbox: west, south, east, north (4 x float8 or NULL) */
    API_WINDOW,       /* from, to: 2 x date or NULL (inclusive) */
    API_CATEGORY,     /* category: text[] or NULL (one or more, must exist) */
    API_NEIGHBORHOOD, /* neighborhood: text id or NULL */
    API_PARTNER,      /* partner: bigint id or NULL */
    API_PROGRAM,      /* program: bigint id or NULL */
    API_PAGE,         /* limit, offset (bigint), next (text: the next
                       * page's path and query, for when there is one) */
    API_PRIVILEGED    /* bool: the request holds a valid token */
} api_param;

#define API_MAX_FIELDS 20

typedef struct api_resource {
    const char *name;             /* the collection: "sites" */
    const char *record;           /* one record, for messages: "site" */
    bool text_id;                 /* ids are text (categories), else bigint */
    const validate_field *fields; /* body fields, at most API_MAX_FIELDS */
    size_t n_fields;
    api_param list_params[10]; /* the list query's parameters, API_END-ended */
    bool get_privileged;       /* the get query takes $2 privileged */
} api_resource;

/* Field rows every collection's table uses: the server's id, a required
 * display name of 1 to 200 bytes, and the server's timestamps. */
/* clang-format off */
#define API_ID_FIELD {.name = "id", .type = VALIDATE_READONLY}
#define API_NAME_FIELD(field)                                                  \
    {.name = field, .type = VALIDATE_STRING, .flags = VALIDATE_REQUIRED,       \
     .min = 1, .max = 200}
#define API_TIMESTAMP_FIELDS                                                   \
    {.name = "created_at", .type = VALIDATE_READONLY},                         \
    {.name = "updated_at", .type = VALIDATE_READONLY}
/* clang-format on */

/* The fields sites and events share, last in their tables (so last in their
 * write queries' parameters): the point, where the record came from, and
 * what the server sets. */
/* clang-format off */
#define API_POINT_RECORD_FIELDS                                               \
    {.name = "location", .type = VALIDATE_POINT, .flags = VALIDATE_REQUIRED}, \
    {.name = "source", .type = VALIDATE_STRING, .flags = VALIDATE_NULLABLE,   \
     .min = 1, .max = 100},                                                   \
    {.name = "external_id", .type = VALIDATE_STRING,                          \
     .flags = VALIDATE_NULLABLE, .min = 1, .max = 200},                       \
    {.name = "program", .type = VALIDATE_READONLY},                           \
    {.name = "partner", .type = VALIDATE_READONLY},                           \
    {.name = "neighborhood", .type = VALIDATE_READONLY},                      \
    API_TIMESTAMP_FIELDS
/* clang-format on */

/* Each collection's description (defined in its src/api_<name>.c), and all
 * of them in API_RESOURCES (NULL-ended): what tests and the fuzz targets
 * check bodies against, the very tables the server uses. */
extern const api_resource API_RESOURCE_SITES, API_RESOURCE_EVENTS,
    API_RESOURCE_PROGRAMS, API_RESOURCE_PARTNERS, API_RESOURCE_CATEGORIES;
extern const api_resource *const API_RESOURCES[];

/* Answers a request routed to resource (see the table above). */
void api_crud_handle(const api_resource *resource, const handler_ctx *ctx,
                     const http_request *req, const route *r,
                     http_response *res);

/* The collections' handlers, one per src/api_<name>.c, listed in
 * API_COLLECTIONS (src/api.c). */
void api_sites_handle(const handler_ctx *ctx, const http_request *req,
                      const route *r, http_response *res);
void api_events_handle(const handler_ctx *ctx, const http_request *req,
                       const route *r, http_response *res);
void api_programs_handle(const handler_ctx *ctx, const http_request *req,
                         const route *r, http_response *res);
void api_partners_handle(const handler_ctx *ctx, const http_request *req,
                         const route *r, http_response *res);
void api_categories_handle(const handler_ctx *ctx, const http_request *req,
                           const route *r, http_response *res);

#endif
