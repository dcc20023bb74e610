/* api_events.c - /api/events: outreach events, by program and partner. */
#include "parity/api.h"

static const validate_field EVENT_FIELDS[] = {
    API_ID_FIELD,
    API_NAME_FIELD("title"),
    {.name = "category", .type = VALIDATE_CATEGORY, .flags = VALIDATE_REQUIRED},
    {.name = "program_id", .type = VALIDATE_ID, .flags = VALIDATE_NULLABLE},
    {.name = "partner_id", .type = VALIDATE_ID, .flags = VALIDATE_NULLABLE},
    {.name = "starts_at",
     .type = VALIDATE_TIMESTAMP,
     .flags = VALIDATE_REQUIRED},
    {.name = "ends_at",
     .type = VALIDATE_TIMESTAMP,
     .flags = VALIDATE_NULLABLE,
     .not_below = "starts_at"},
    {.name = "attendance",
     .type = VALIDATE_INT,
     .flags = VALIDATE_NULLABLE,
     .max = 1000000},
    {.name = "youth_attendance",
     .type = VALIDATE_INT,
     .flags = VALIDATE_NULLABLE,
     .max = 1000000,
     .not_above = "attendance"},
    {.name = "hours",
     .type = VALIDATE_NUMBER,
     .flags = VALIDATE_NULLABLE,
     .max = 999999},
    API_POINT_RECORD_FIELDS,
};

const api_resource API_RESOURCE_EVENTS = {
    .name = "events",
    .record = "event",
    .fields = EVENT_FIELDS,
    .n_fields = sizeof EVENT_FIELDS / sizeof EVENT_FIELDS[0],
    .list_params = {API_BBOX, API_WINDOW, API_CATEGORY, API_NEIGHBORHOOD,
                    API_PARTNER, API_PROGRAM, API_PAGE, API_END},
};

void api_events_handle(const handler_ctx *ctx, const http_request *req,
                       const route *r, http_response *res)
{
    api_crud_handle(&API_RESOURCE_EVENTS, ctx, req, r, res);
}
