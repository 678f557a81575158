package io.ztna.proto.pki;

import java.time.Duration;
import picocli.CommandLine.Option;

/** The {@code --next-update} option of the commands that sign a CRL. */
final class NextUpdateOption {
    @Option(names = "--next-update", paramLabel = "DURATION", defaultValue = "7d",
            converter = CliConverters.Validity.class,
            description = "Time from now until the CRL's nextUpdate, as a number with unit d"
                    + " (days), h (hours), m (minutes) or s (seconds); default ${DEFAULT-VALUE}."
                    + " Daemons keep using an older CRL but log a warning, so re-sign it with"
                    + " 'pki crl' before then.")
    Duration nextUpdate;
}
