/* api_partners.c - /api/partners: the task force's members. */
#include "parity/api.h"

static const char *const PARTNER_KINDS[] = {
    "law enforcement", "government agency", "nonprofit", "business",
    "faith",           "community",         NULL};

static const validate_field PARTNER_FIELDS[] = {
    API_ID_FIELD,
    API_NAME_FIELD("name"),
    {.name = "kind",
     .type = VALIDATE_CHOICE,
     .flags = VALIDATE_REQUIRED,
     .choices = PARTNER_KINDS},
    API_TIMESTAMP_FIELDS,
};

const api_resource API_RESOURCE_PARTNERS = {
    .name = "partners",
    .record = "partner",
    .fields = PARTNER_FIELDS,
    .n_fields = sizeof PARTNER_FIELDS / sizeof PARTNER_FIELDS[0],
    .list_params = {API_CATEGORY, API_PAGE, API_END},
};

void api_partners_handle(const handler_ctx *ctx, const http_request *req,
                         const route *r, http_response *res)
{
    api_crud_handle(&API_RESOURCE_PARTNERS, ctx, req, r, res);
}
