/* api_sites.c - /api/sites: fixed program sites, some of them sensitive
 * (their location only with a token; see api_sites_list.sql). */
#include "parity/api.h"

static const validate_field SITE_FIELDS[] = {
    API_ID_FIELD,
    API_NAME_FIELD("name"),
    {.name = "program_id", .type = VALIDATE_ID, .flags = VALIDATE_NULLABLE},
    {.name = "category", .type = VALIDATE_CATEGORY, .flags = VALIDATE_NULLABLE},
    {.name = "address",
     .type = VALIDATE_STRING,
     .flags = VALIDATE_NULLABLE,
     .max = 300},
    {.name = "capacity",
     .type = VALIDATE_INT,
     .flags = VALIDATE_NULLABLE,
     .max = 1000000},
    {.name = "sensitive", .type = VALIDATE_BOOL, .def = "false"},
    API_POINT_RECORD_FIELDS,
};

const api_resource API_RESOURCE_SITES = {
    .name = "sites",
    .record = "site",
    .fields = SITE_FIELDS,
    .n_fields = sizeof SITE_FIELDS / sizeof SITE_FIELDS[0],
    .list_params = {API_BBOX, API_WINDOW, API_CATEGORY, API_NEIGHBORHOOD,
                    API_PARTNER, API_PROGRAM, API_PAGE, API_PRIVILEGED,
                    API_END},
    .get_privileged = true,
};

void api_sites_handle(const handler_ctx *ctx, const http_request *req,
                      const route *r, http_response *res)
{
    api_crud_handle(&API_RESOURCE_SITES, ctx, req, r, res);
}
