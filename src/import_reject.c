/* import_reject.c - rejected rows into a CSV file through OGR's CSV driver
 * (see import_internal.h). */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_internal.h"

struct import_reject {
    GDALDatasetH dataset;
    OGRLayerH layer;
    int n_source_fields;
    int row_index, reason_index;
    bool has_geometry;
    char path[];
};

static bool ends_with_csv(const char *path)
{
    size_t len = strlen(path);
    return len > 4 && !strcasecmp(path + len - 4, ".csv");
}

/* A column name not yet used by the layer: name, else reject_name. */
static void unique_name(OGRFeatureDefnH defn, const char *name, char *out,
                        size_t outlen)
{
    snprintf(out, outlen, "%s", name);
    if (import_field_index(defn, out) < 0)
        return;
    snprintf(out, outlen, "reject_%s", name);
    for (int i = 2; import_field_index(defn, out) >= 0; i++)
        snprintf(out, outlen, "reject_%s_%d", name, i);
}

parity_status import_reject_open(const char *path, OGRLayerH layer,
                                 bool with_geometry, const char *row_column,
                                 import_reject **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!ends_with_csv(path))
        return parity_fail(err, errlen, PARITY_ERR_USAGE,
                           "--reject-file %s: the reject file is CSV; give "
                           "it a name ending in .csv",
                           path);
    GDALDriverH driver = GDALGetDriverByName("CSV");
    if (!driver)
        return parity_fail(err, errlen, PARITY_ERR_INTERNAL,
                           "GDAL has no CSV driver");
    size_t len = strlen(path);
    import_reject *r = calloc(1, sizeof *r + len + 1);
    if (!r)
        return parity_fail(err, errlen, PARITY_ERR_NOMEM, "out of memory");
    memcpy(r->path, path, len + 1);
    VSIUnlink(path);
    CPLErrorReset();
    r->dataset = GDALCreate(driver, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!r->dataset) {
        free(r);
        return parity_fail(err, errlen, PARITY_ERR_IO,
                           "cannot write the reject file %s (%s)", path,
                           import_gdal_message());
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    r->has_geometry = with_geometry && OGR_L_GetGeomType(layer) != wkbNone;
    char **options = NULL;
    if (r->has_geometry)
        options = CSLSetNameValue(options, "GEOMETRY", "AS_WKT");
    options = CSLSetNameValue(options, "STRING_QUOTING", "IF_NEEDED");
    char *base = CPLStrdup(CPLGetBasename(path));
    r->layer =
        GDALDatasetCreateLayer(r->dataset, base, NULL,
                               r->has_geometry ? wkbUnknown : wkbNone, options);
    CPLFree(base);
    CSLDestroy(options);
    parity_status status = PARITY_OK;
    if (!r->layer)
        status = PARITY_ERR_IO;
    r->n_source_fields = OGR_FD_GetFieldCount(defn);
    for (int i = 0; status == PARITY_OK && i < r->n_source_fields; i++) {
        OGRFieldDefnH field = OGR_Fld_Create(
            OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), OFTString);
        if (OGR_L_CreateField(r->layer, field, 1) != OGRERR_NONE)
            status = PARITY_ERR_IO;
        OGR_Fld_Destroy(field);
    }
    char row_name[80], reason_name[80];
    unique_name(defn, row_column, row_name, sizeof row_name);
    unique_name(defn, "reason", reason_name, sizeof reason_name);
    const char *extra[] = {row_name, reason_name};
    for (int i = 0; status == PARITY_OK && i < 2; i++) {
        OGRFieldDefnH field =
            OGR_Fld_Create(extra[i], i == 0 ? OFTInteger64 : OFTString);
        if (OGR_L_CreateField(r->layer, field, 1) != OGRERR_NONE)
            status = PARITY_ERR_IO;
        OGR_Fld_Destroy(field);
    }
    if (status != PARITY_OK) {
        parity_fail(err, errlen, status, "cannot write the reject file %s (%s)",
                    path, import_gdal_message());
        import_reject_close(r, true);
        return status;
    }
    OGRFeatureDefnH out_defn = OGR_L_GetLayerDefn(r->layer);
    r->row_index = OGR_FD_GetFieldIndex(out_defn, row_name);
    r->reason_index = OGR_FD_GetFieldIndex(out_defn, reason_name);
    *out = r;
    return PARITY_OK;
}

parity_status import_reject_write(import_reject *r, OGRFeatureH feature,
                                  long row, const char *reason, char *err,
                                  size_t errlen)
{
    OGRFeatureH copy = OGR_F_Create(OGR_L_GetLayerDefn(r->layer));
    for (int i = 0; i < r->n_source_fields; i++)
        if (OGR_F_IsFieldSetAndNotNull(feature, i))
            OGR_F_SetFieldString(copy, i, OGR_F_GetFieldAsString(feature, i));
    OGR_F_SetFieldInteger64(copy, r->row_index, row);
    OGR_F_SetFieldString(copy, r->reason_index, reason);
    OGRGeometryH geom = OGR_F_GetGeometryRef(feature);
    if (r->has_geometry && geom)
        OGR_F_SetGeometry(copy, geom);
    OGRErr rc = OGR_L_CreateFeature(r->layer, copy);
    OGR_F_Destroy(copy);
    if (rc != OGRERR_NONE)
        return parity_fail(err, errlen, PARITY_ERR_IO,
                           "cannot write to the reject file %s (%s)", r->path,
                           import_gdal_message());
    return PARITY_OK;
}

void import_reject_close(import_reject *r, bool delete_file)
{
    if (!r)
        return;
    if (r->dataset)
        GDALClose(r->dataset);
    if (delete_file)
        VSIUnlink(r->path);
    free(r);
}
