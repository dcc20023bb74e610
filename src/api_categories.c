/* api_categories.c - /api/categories: the program categories (prevention,
 * intervention, ...); the id is the name filters use, e.g.
 * /api/categories/community%20engagement. */
#include "parity/api.h"

static const validate_field CATEGORY_FIELDS[] = {
    {.name = "id", .type = VALIDATE_CATEGORY, .flags = VALIDATE_REQUIRED},
    {.name = "name",
     .type = VALIDATE_STRING,
     .flags = VALIDATE_REQUIRED,
     .min = 1,
     .max = 100},
    {.name = "description",
     .type = VALIDATE_STRING,
     .flags = VALIDATE_NULLABLE,
     .max = 1000},
    {.name = "created_at", .type = VALIDATE_READONLY},
};

const api_resource API_RESOURCE_CATEGORIES = {
    .name = "categories",
    .record = "category",
    .text_id = true,
    .fields = CATEGORY_FIELDS,
    .n_fields = sizeof CATEGORY_FIELDS / sizeof CATEGORY_FIELDS[0],
    .list_params = {API_PAGE, API_END},
};

void api_categories_handle(const handler_ctx *ctx, const http_request *req,
                           const route *r, http_response *res)
{
    api_crud_handle(&API_RESOURCE_CATEGORIES, ctx, req, r, res);
}
