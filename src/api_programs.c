/* api_programs.c - /api/programs: what partners run, in which category and
 * when. */
#include "parity/api.h"

static const validate_field PROGRAM_FIELDS[] = {
    API_ID_FIELD,
    API_NAME_FIELD("name"),
    {.name = "partner_id", .type = VALIDATE_ID, .flags = VALIDATE_NULLABLE},
    {.name = "category", .type = VALIDATE_CATEGORY, .flags = VALIDATE_REQUIRED},
    {.name = "description",
     .type = VALIDATE_STRING,
     .flags = VALIDATE_NULLABLE,
     .max = 4000},
    {.name = "start_date", .type = VALIDATE_DATE, .flags = VALIDATE_NULLABLE},
    {.name = "end_date",
     .type = VALIDATE_DATE,
     .flags = VALIDATE_NULLABLE,
     .not_below = "start_date"},
    {.name = "partner", .type = VALIDATE_READONLY},
    API_TIMESTAMP_FIELDS,
};

const api_resource API_RESOURCE_PROGRAMS = {
    .name = "programs",
    .record = "program",
    .fields = PROGRAM_FIELDS,
    .n_fields = sizeof PROGRAM_FIELDS / sizeof PROGRAM_FIELDS[0],
    .list_params = {API_WINDOW, API_CATEGORY, API_NEIGHBORHOOD, API_PARTNER,
                    API_PAGE, API_END},
};

void api_programs_handle(const handler_ctx *ctx, const http_request *req,
                         const route *r, http_response *res)
{
    api_crud_handle(&API_RESOURCE_PROGRAMS, ctx, req, r, res);
}
