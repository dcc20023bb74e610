/* cmd_import.c - `parity import boundaries FILE`. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parity/cli.h"
#include "parity/db.h"
#include "parity/import.h"
#include "parity/options.h"

typedef struct boundaries_args {
    const char *db, *layer, *name_field, *id_field, *population_field, *s_srs;
    bool quiet;
} boundaries_args;

static const option_spec BOUNDARY_OPTIONS[] = {
    {"--db", NULL, OPTION_STRING, NULL, 0, 0, offsetof(boundaries_args, db),
     "CONNINFO", "database (libpq connection string or URI)"},
    {"--layer", NULL, OPTION_STRING, NULL, 0, 0, offsetof(boundaries_args, layer),
     "NAME", "layer of FILE to read (default: the first)"},
    {"--name-field", NULL, OPTION_STRING, NULL, 0, 0,
     offsetof(boundaries_args, name_field), "FIELD",
     "field with the neighborhood's name (default: guessed, e.g. name)"},
    {"--id-field", NULL, OPTION_STRING, NULL, 0, 0,
     offsetof(boundaries_args, id_field), "FIELD",
     "field with a unique, stable id (default: guessed, else the feature id)"},
    {"--population-field", NULL, OPTION_STRING, NULL, 0, 0,
     offsetof(boundaries_args, population_field), "FIELD",
     "field with the residents count (default: guessed, e.g. population)"},
    {"--s-srs", NULL, OPTION_STRING, NULL, 0, 0, offsetof(boundaries_args, s_srs),
     "SRS", "CRS of FILE when it has none or a wrong one, e.g. EPSG:2223"},
    {"--quiet", NULL, OPTION_FLAG, NULL, 0, 0, offsetof(boundaries_args, quiet),
     NULL, "no progress bar"},
};
#define N_BOUNDARY_OPTIONS (sizeof BOUNDARY_OPTIONS / sizeof BOUNDARY_OPTIONS[0])

static int import_boundaries_command(int argc, char **argv, const char *db)
{
    boundaries_args args = {.db = db};
    const char *positional[1];
    size_t n_positional;
    bool help;
    char err[1024];
    parity_status status = options_parse(
        BOUNDARY_OPTIONS, N_BOUNDARY_OPTIONS, argc, argv, getenv, &args,
        positional, 1, &n_positional, &help, err, sizeof err);
    if (status != PARITY_OK)
        return cli_fail(status, err);
    if (help || n_positional != 1) {
        options_help(help ? stdout : stderr,
                     "parity import boundaries FILE [options]",
                     "Replaces the neighborhoods with the polygons of FILE (any vector\n"
                     "format GDAL reads: GeoJSON, Shapefile, GeoPackage, KML,\n"
                     "FlatGeobuf, ...), reprojected to EPSG:4326. Invalid polygons are\n"
                     "repaired; features that are not polygons are refused and counted.\n"
                     "One transaction: on any error the previous boundaries stay.",
                     BOUNDARY_OPTIONS, N_BOUNDARY_OPTIONS);
        return help ? 0 : 2;
    }
    db_conn *conn;
    if ((status = db_connect(cli_database(args.db), 0, &conn, err, sizeof err)) !=
        PARITY_OK)
        return cli_fail(status, err);
    import_boundaries_options opts = {
        .file = positional[0],
        .layer = args.layer,
        .name_field = args.name_field,
        .id_field = args.id_field,
        .population_field = args.population_field,
        .source_srs = args.s_srs,
        .progress = !args.quiet,
    };
    import_summary s;
    status = import_boundaries(conn, &opts, &s, err, sizeof err);
    db_close(conn);
    if (status != PARITY_OK)
        return cli_fail(status, err);
    if (s.name_field[0])
        printf("boundaries: names from field '%s'%s\n", s.name_field,
               s.name_guessed ? " (guessed; pass --name-field to choose)" : "");
    else
        printf("boundaries: no name field found, ids used as names (pass "
               "--name-field)\n");
    printf("boundaries: ids from %s%s%s\n",
           s.id_field[0] ? "field '" : "the feature ids", s.id_field,
           s.id_field[0] ? "'" : "");
    if (s.population_field[0])
        printf("boundaries: population from field '%s'\n", s.population_field);
    if (s.repaired)
        printf("boundaries: repaired %ld invalid geometr%s: %s\n", s.repaired,
               s.repaired == 1 ? "y" : "ies", s.repaired_names);
    if (s.refused)
        printf("boundaries: refused %ld feature%s (%ld not polygons)\n", s.refused,
               s.refused == 1 ? "" : "s", s.refused_geometry);
    printf("imported %s (layer %s): read %ld, stored %ld, repaired %ld, "
           "refused %ld, %.2f s\n",
           opts.file, s.layer, s.read, s.stored, s.repaired, s.refused, s.seconds);
    return 0;
}

int cmd_import(int argc, char **argv, const char *db)
{
    if (argc >= 1 && !strcmp(argv[0], "boundaries"))
        return import_boundaries_command(argc - 1, argv + 1, db);
    bool help = argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"));
    fputs("usage: parity import boundaries FILE [options]\n"
          "  (parity import KIND --help for the options of each kind)\n",
          help ? stdout : stderr);
    return help ? 0 : 2;
}
