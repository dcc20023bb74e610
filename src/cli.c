/* cli.c - what every subcommand shares. */
#include <stdio.h>
#include <stdlib.h>

#include "parity/cli.h"

const char *cli_database(const char *given)
{
    if (given)
        return given;
    const char *env = getenv("PARITY_DATABASE_URL");
    return env ? env : "";
}

int cli_fail(parity_status status, const char *message)
{
    fprintf(stderr, "parity: %s\n", message);
    return parity_status_exit_code(status);
}
