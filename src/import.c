/* import.c - boundary files into PostGIS through GDAL/OGR (see import.h;
 * what the importers share is in import_source.c). */
#include "parity/import.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import_internal.h"
#include "parity/buf.h"

/* Every set field of the feature as a JSON object (the source attributes). */
static json_object *feature_attributes(OGRFeatureH feature,
                                       OGRFeatureDefnH defn)
{
    json_object *obj = json_object_new_object();
    int n = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < n; i++) {
        OGRFieldDefnH f = OGR_FD_GetFieldDefn(defn, i);
        const char *name = OGR_Fld_GetNameRef(f);
        if (!OGR_F_IsFieldSetAndNotNull(feature, i)) {
            json_object_object_add(obj, name, NULL);
            continue;
        }
        json_object *value = NULL;
        switch (OGR_Fld_GetType(f)) {
        case OFTInteger:
            value =
                OGR_Fld_GetSubType(f) == OFSTBoolean
                    ? json_object_new_boolean(
                          OGR_F_GetFieldAsInteger(feature, i))
                    : json_object_new_int(OGR_F_GetFieldAsInteger(feature, i));
            break;
        case OFTInteger64:
            value =
                json_object_new_int64(OGR_F_GetFieldAsInteger64(feature, i));
            break;
        case OFTReal: {
            double d = OGR_F_GetFieldAsDouble(feature, i);
            value = isfinite(d) ? json_object_new_double(d) : NULL;
            break;
        }
        case OFTIntegerList: {
            int count;
            const int *list = OGR_F_GetFieldAsIntegerList(feature, i, &count);
            value = json_object_new_array();
            for (int k = 0; k < count; k++)
                json_object_array_add(value, json_object_new_int(list[k]));
            break;
        }
        case OFTRealList: {
            int count;
            const double *list = OGR_F_GetFieldAsDoubleList(feature, i, &count);
            value = json_object_new_array();
            for (int k = 0; k < count; k++)
                json_object_array_add(
                    value,
                    isfinite(list[k]) ? json_object_new_double(list[k]) : NULL);
            break;
        }
        case OFTStringList: {
            char **list = OGR_F_GetFieldAsStringList(feature, i);
            value = json_object_new_array();
            for (int k = 0; list && list[k]; k++)
                json_object_array_add(value, json_object_new_string(list[k]));
            break;
        }
        default:
            value = json_object_new_string(OGR_F_GetFieldAsString(feature, i));
            break;
        }
        json_object_object_add(obj, name, value);
    }
    return obj;
}

/* ---- geometry ----------------------------------------------------------- */

/* A lon/lat copy of the feature's polygonal geometry as hex WKB in out, or
 * false when the feature has none (no geometry, or not a polygon). */
static bool polygon_hex_wkb(OGRGeometryH geom,
                            OGRCoordinateTransformationH transform,
                            parity_buf *out, char *why, size_t whylen)
{
    if (!geom) {
        snprintf(why, whylen, "no geometry");
        return false;
    }
    OGRwkbGeometryType type = wkbFlatten(OGR_G_GetGeometryType(geom));
    OGRGeometryH copy = NULL;
    if (type == wkbPolygon || type == wkbMultiPolygon) {
        copy = OGR_G_Clone(geom);
    } else if (type == wkbCurvePolygon || type == wkbMultiSurface) {
        copy = OGR_G_GetLinearGeometry(geom, 0, NULL);
    } else {
        snprintf(why, whylen, "%s is not a polygon",
                 OGRGeometryTypeToName(type));
        return false;
    }
    OGR_G_FlattenTo2D(copy);
    if (transform && OGR_G_Transform(copy, transform) != OGRERR_NONE) {
        snprintf(why, whylen, "cannot be reprojected (%s)",
                 import_gdal_message());
        OGR_G_DestroyGeometry(copy);
        return false;
    }
    size_t size = (size_t)OGR_G_WkbSize(copy);
    unsigned char *wkb = malloc(size);
    bool ok = wkb && OGR_G_ExportToWkb(copy, wkbNDR, wkb) == OGRERR_NONE;
    OGR_G_DestroyGeometry(copy);
    buf_reset(out);
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; ok && i < size; i++) {
        char pair[2] = {hex[wkb[i] >> 4], hex[wkb[i] & 15]};
        ok = buf_append(out, pair, 2) == PARITY_OK;
    }
    free(wkb);
    if (!ok)
        snprintf(why, whylen, "is too large to import");
    return ok;
}

/* ---- boundaries --------------------------------------------------------- */

static const char *const NAME_FIELDS[] = {
    "name",  "nbhd_name", "neighborhood", "neighbourhood", "neighborhood_name",
    "nhood", "hood",      "nom",          "nombre",        "label",
    "title", NULL};
static const char *const ID_FIELDS[] = {
    "nbhd_id", "neighborhood_id", "id",       "geoid",      "geo_id", "code",
    "poly_id", "polyid",          "objectid", "cartodb_id", NULL};
static const char *const POPULATION_FIELDS[] = {
    "population", "pop",     "pop_total", "total_pop", "totpop",
    "pop2020",    "pop2010", "pop20",     "pop10",     NULL};

static void append_name(char *list, size_t size, const char *name)
{
    size_t used = strlen(list);
    if (used + 8 >= size)
        return;
    if (used && used + 5 + strlen(name) >= size) {
        snprintf(list + used, size - used, ", ...");
        return;
    }
    snprintf(list + used, size - used, "%s%s", used ? ", " : "", name);
}

static parity_status stage_features(db_conn *conn, import_source *src,
                                    const import_boundaries_options *opts,
                                    int name_i, int id_i, int pop_i,
                                    import_summary *s, char *err, size_t errlen)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(src->layer);
    long total = (long)OGR_L_GetFeatureCount(src->layer, 1);
    bool progress = opts->progress && isatty(STDERR_FILENO) && total >= 500;
    double started = import_now();
    parity_buf wkb;
    buf_init(&wkb, (size_t)1 << 30);
    parity_status status = PARITY_OK;
    OGRFeatureH feature;
    OGR_L_ResetReading(src->layer);
    while (status == PARITY_OK &&
           (feature = OGR_L_GetNextFeature(src->layer))) {
        s->read++;
        char why[256];
        if (!polygon_hex_wkb(OGR_F_GetGeometryRef(feature), src->transform,
                             &wkb, why, sizeof why)) {
            s->refused++;
            s->refused_geometry++;
            OGR_F_Destroy(feature);
            continue;
        }
        char fid[32], id[64], population[32];
        snprintf(fid, sizeof fid, "%lld", (long long)OGR_F_GetFID(feature));
        const char *id_value = fid;
        if (id_i >= 0 && OGR_F_IsFieldSetAndNotNull(feature, id_i)) {
            snprintf(id, sizeof id, "%s",
                     OGR_F_GetFieldAsString(feature, id_i));
            if (*id)
                id_value = id;
        }
        const char *name =
            name_i >= 0 && OGR_F_IsFieldSetAndNotNull(feature, name_i)
                ? OGR_F_GetFieldAsString(feature, name_i)
                : "";
        const char *pop_value = NULL;
        if (pop_i >= 0 && OGR_F_IsFieldSetAndNotNull(feature, pop_i)) {
            double p = OGR_F_GetFieldAsDouble(feature, pop_i);
            if (isfinite(p) && p >= 0 && p < 2e9) {
                snprintf(population, sizeof population, "%.0f", p);
                pop_value = population;
            }
        }
        json_object *attrs = feature_attributes(feature, defn);
        const char *attrs_text = json_object_to_json_string_ext(
            attrs, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        const char *params[] = {fid,       id_value,   *name ? name : id_value,
                                pop_value, attrs_text, wkb.data};
        char inner[512];
        status = db_query(conn, "boundaries_stage", 6, params, NULL, inner,
                          sizeof inner);
        if (status != PARITY_OK)
            parity_fail(err, errlen, status, "feature %s (%s) of %s: %s", fid,
                        *name ? name : id_value, opts->file, inner);
        json_object_put(attrs);
        OGR_F_Destroy(feature);
        if (progress && (s->read % 64 == 0 || s->read == total))
            import_draw_progress(s->read, total, started, "features");
    }
    if (progress)
        fputc('\n', stderr);
    buf_dispose(&wkb);
    return status;
}

parity_status import_boundaries(db_conn *conn,
                                const import_boundaries_options *opts,
                                import_summary *s, char *err, size_t errlen)
{
    double started = import_now();
    memset(s, 0, sizeof *s);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    import_source src;
    parity_status status =
        import_source_open(&src, opts->file, opts->layer, err, errlen);
    if (status == PARITY_OK && !opts->source_srs &&
        OGR_L_GetGeomType(src.layer) == wkbNone)
        status = parity_fail(err, errlen, PARITY_ERR_INPUT,
                             "%s has no geometry; boundaries need polygons",
                             opts->file);
    if (status == PARITY_OK)
        status = import_source_transform(&src, opts->file, opts->source_srs,
                                         NULL, err, errlen);
    if (status != PARITY_OK) {
        import_source_close(&src);
        CPLPopErrorHandler();
        return status;
    }
    snprintf(s->layer, sizeof s->layer, "%s", OGR_L_GetName(src.layer));
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(src.layer);
    int name_i, id_i, pop_i;
    if ((status = import_resolve_field(
             defn, opts->name_field, "--name-field", NAME_FIELDS, "name",
             &name_i, &s->name_guessed, err, errlen)) != PARITY_OK ||
        (status = import_resolve_field(defn, opts->id_field, "--id-field",
                                       ID_FIELDS, NULL, &id_i, &s->id_guessed,
                                       err, errlen)) != PARITY_OK ||
        (status = import_resolve_field(defn, opts->population_field,
                                       "--population-field", POPULATION_FIELDS,
                                       NULL, &pop_i, &s->population_guessed,
                                       err, errlen)) != PARITY_OK) {
        import_source_close(&src);
        CPLPopErrorHandler();
        return status;
    }
#define FIELD_NAME(i)                                                          \
    ((i) >= 0 ? OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, (i))) : "")
    snprintf(s->name_field, sizeof s->name_field, "%s", FIELD_NAME(name_i));
    snprintf(s->id_field, sizeof s->id_field, "%s", FIELD_NAME(id_i));
    snprintf(s->population_field, sizeof s->population_field, "%s",
             FIELD_NAME(pop_i));
#undef FIELD_NAME

    status = db_exec(conn, "BEGIN", err, errlen);
    if (status == PARITY_OK)
        status = db_query(conn, "import_lock", 0, NULL, NULL, err, errlen);
    if (status == PARITY_OK)
        status = stage_features(conn, &src, opts, name_i, id_i, pop_i, s, err,
                                errlen);
    import_source_close(&src);
    CPLPopErrorHandler();

    db_result *res = NULL;
    if (status == PARITY_OK && s->read == 0)
        status = parity_fail(err, errlen, PARITY_ERR_INPUT,
                             "%s (layer %s) has no features; nothing imported, "
                             "the previous boundaries are kept",
                             opts->file, s->layer);
    if (status == PARITY_OK && s->read == s->refused_geometry)
        status =
            parity_fail(err, errlen, PARITY_ERR_INPUT,
                        "%s (layer %s) has no polygons (%ld features "
                        "refused); boundaries need Polygon or MultiPolygon",
                        opts->file, s->layer, s->refused_geometry);
    if (status == PARITY_OK)
        status =
            db_query(conn, "boundaries_duplicates", 0, NULL, &res, err, errlen);
    if (status == PARITY_OK && db_result_rows(res) > 0) {
        if (s->id_guessed || id_i < 0) {
            /* A guessed id that repeats is no id: fall back to the feature
             * ids, which GDAL guarantees unique within the layer. */
            status = db_query(conn, "boundaries_use_fid", 0, NULL, NULL, err,
                              errlen);
            s->id_field[0] = '\0';
            s->id_guessed = false;
        } else {
            status = parity_fail(err, errlen, PARITY_ERR_INPUT,
                                 "--id-field %s is not unique: '%s' is on %s "
                                 "features; pick a field with one value per "
                                 "neighborhood",
                                 s->id_field, db_result_value(res, 0, 0),
                                 db_result_value(res, 0, 1));
        }
    }
    db_result_free(res);
    res = NULL;

    if (status == PARITY_OK &&
        (status = db_query(conn, "boundaries_invalid", 0, NULL, &res, err,
                           errlen)) == PARITY_OK) {
        s->repaired = db_result_rows(res);
        for (int r = 0; r < db_result_rows(res); r++)
            append_name(s->repaired_names, sizeof s->repaired_names,
                        db_result_value(res, r, 2));
    }
    db_result_free(res);
    res = NULL;

    if (status == PARITY_OK)
        status = db_query(conn, "boundaries_clear", 0, NULL, NULL, err, errlen);
    if (status == PARITY_OK &&
        (status = db_query(conn, "boundaries_replace", 0, NULL, &res, err,
                           errlen)) == PARITY_OK) {
        for (int r = 0; r < db_result_rows(res); r++) {
            if (db_result_value(res, r, 3)[0] == 't')
                s->stored++;
            else
                s->refused++;
        }
    }
    db_result_free(res);

    if (status == PARITY_OK && s->stored == 0)
        status = parity_fail(err, errlen, PARITY_ERR_INPUT,
                             "no feature of %s kept any polygon after repair; "
                             "nothing imported",
                             opts->file);
    if (status == PARITY_OK) {
        char read[24], stored[24], repaired[24], refused[24];
        snprintf(read, sizeof read, "%ld", s->read);
        snprintf(stored, sizeof stored, "%ld", s->stored);
        snprintf(repaired, sizeof repaired, "%ld", s->repaired);
        snprintf(refused, sizeof refused, "%ld", s->refused);
        const char *params[] = {opts->file,
                                s->layer,
                                *s->name_field ? s->name_field : NULL,
                                *s->id_field ? s->id_field : NULL,
                                read,
                                stored,
                                repaired,
                                refused};
        status =
            db_query(conn, "boundaries_record", 8, params, NULL, err, errlen);
    }
    if (status == PARITY_OK)
        status = db_exec(conn, "COMMIT", err, errlen);
    else
        db_exec(conn, "ROLLBACK", NULL, 0);
    s->seconds = import_now() - started;
    return status;
}
