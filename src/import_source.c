/* import_source.c - opening a file's layer, its CRS, its fields, progress:
 * what every importer shares (see import_internal.h). */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "import_internal.h"

double import_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *import_gdal_message(void)
{
    const char *msg = CPLGetLastErrorMsg();
    return msg && *msg ? msg : "no details from GDAL";
}

void import_source_close(import_source *src)
{
    if (src->transform)
        OCTDestroyCoordinateTransformation(src->transform);
    if (src->source_srs)
        OSRRelease(src->source_srs);
    if (src->target_srs)
        OSRRelease(src->target_srs);
    if (src->dataset)
        GDALClose(src->dataset);
    memset(src, 0, sizeof *src);
}

parity_status import_source_open(import_source *src, const char *file,
                                 const char *layer_name, char *err,
                                 size_t errlen)
{
    memset(src, 0, sizeof *src);
    GDALAllRegister();
    CPLErrorReset();
    struct stat st;
    if (stat(file, &st) != 0 && strncmp(file, "/vsi", 4) != 0)
        return parity_fail(err, errlen, PARITY_ERR_NOT_FOUND, "%s: %s", file,
                           strerror(errno));
    src->dataset =
        GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!src->dataset)
        return parity_fail(err, errlen, PARITY_ERR_INPUT,
                           "%s is not a vector file GDAL can read (%s)", file,
                           import_gdal_message());
    GDALDriverH driver = GDALGetDatasetDriver(src->dataset);
    src->is_csv = driver && !strcmp(GDALGetDriverShortName(driver), "CSV");
    int n_layers = GDALDatasetGetLayerCount(src->dataset);
    if (layer_name) {
        src->layer = GDALDatasetGetLayerByName(src->dataset, layer_name);
        if (!src->layer) {
            char names[512] = "";
            size_t used = 0;
            for (int i = 0; i < n_layers && used < sizeof names - 64; i++)
                used += (size_t)snprintf(
                    names + used, sizeof names - used, "%s%s", i ? ", " : "",
                    OGR_L_GetName(GDALDatasetGetLayer(src->dataset, i)));
            return parity_fail(err, errlen, PARITY_ERR_NOT_FOUND,
                               "%s has no layer '%s'; its layers: %s", file,
                               layer_name, names);
        }
    } else if (n_layers > 0) {
        src->layer = GDALDatasetGetLayer(src->dataset, 0);
    }
    if (!src->layer)
        return parity_fail(err, errlen, PARITY_ERR_INPUT,
                           "%s has no vector layer", file);
    return PARITY_OK;
}

parity_status import_source_transform(import_source *src, const char *file,
                                      const char *srs_text,
                                      const char *default_srs, char *err,
                                      size_t errlen)
{
    if (srs_text || default_srs) {
        src->source_srs = OSRNewSpatialReference(NULL);
        if (OSRSetFromUserInput(src->source_srs,
                                srs_text ? srs_text : default_srs) !=
            OGRERR_NONE)
            return parity_fail(err, errlen, PARITY_ERR_USAGE,
                               "--s-srs '%s' is not a CRS PROJ knows; use e.g. "
                               "EPSG:4326 or EPSG:32617",
                               srs_text ? srs_text : default_srs);
    } else {
        OGRSpatialReferenceH layer_srs = OGR_L_GetSpatialRef(src->layer);
        if (!layer_srs)
            return parity_fail(err, errlen, PARITY_ERR_INPUT,
                               "%s has no CRS (no .prj or CRS metadata); its "
                               "coordinates cannot be placed on the map. Pass "
                               "--s-srs EPSG:XXXX with the CRS it was made in",
                               file);
        src->source_srs = OSRClone(layer_srs);
    }
    const char *name = OSRGetName(src->source_srs);
    snprintf(src->srs_name, sizeof src->srs_name, "%s", name ? name : "?");
    OSRSetAxisMappingStrategy(src->source_srs, OAMS_TRADITIONAL_GIS_ORDER);
    src->target_srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(src->target_srs, 4326);
    OSRSetAxisMappingStrategy(src->target_srs, OAMS_TRADITIONAL_GIS_ORDER);
    if (!OSRIsSame(src->source_srs, src->target_srs)) {
        src->transform =
            OCTNewCoordinateTransformation(src->source_srs, src->target_srs);
        if (!src->transform)
            return parity_fail(err, errlen, PARITY_ERR_INPUT,
                               "cannot reproject %s to EPSG:4326 (%s)", file,
                               import_gdal_message());
    }
    return PARITY_OK;
}

int import_field_index(OGRFeatureDefnH defn, const char *name)
{
    int n = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < n; i++)
        if (!strcasecmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), name))
            return i;
    return -1;
}

void import_list_fields(OGRFeatureDefnH defn, char *out, size_t outlen)
{
    size_t used = 0;
    out[0] = '\0';
    int n = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < n && used + 40 < outlen; i++)
        used +=
            (size_t)snprintf(out + used, outlen - used, "%s%s", i ? ", " : "",
                             OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
    if (n == 0)
        snprintf(out, outlen, "(none)");
}

parity_status import_resolve_field(OGRFeatureDefnH defn, const char *given,
                                   const char *flag,
                                   const char *const *candidates,
                                   const char *contains, int *index,
                                   bool *guessed, char *err, size_t errlen)
{
    *index = -1;
    *guessed = false;
    if (given) {
        *index = import_field_index(defn, given);
        if (*index < 0) {
            char fields[512];
            import_list_fields(defn, fields, sizeof fields);
            return parity_fail(err, errlen, PARITY_ERR_USAGE,
                               "%s '%s': no such field; the fields are: %s",
                               flag, given, fields);
        }
        return PARITY_OK;
    }
    for (const char *const *c = candidates; c && *c; c++)
        if ((*index = import_field_index(defn, *c)) >= 0) {
            *guessed = true;
            return PARITY_OK;
        }
    if (contains) {
        int n = OGR_FD_GetFieldCount(defn);
        for (int i = 0; i < n; i++) {
            OGRFieldDefnH f = OGR_FD_GetFieldDefn(defn, i);
            if (OGR_Fld_GetType(f) == OFTString &&
                strcasestr(OGR_Fld_GetNameRef(f), contains)) {
                *index = i;
                *guessed = true;
                return PARITY_OK;
            }
        }
    }
    return PARITY_OK;
}

void import_draw_progress(long done, long total, double started,
                          const char *unit)
{
    int width = 30, filled = (int)(width * done / (total ? total : 1));
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\r[%s] %3ld%% %ld/%ld %s %.1f s", bar,
            100 * done / (total ? total : 1), done, total, unit,
            import_now() - started);
    fflush(stderr);
}
