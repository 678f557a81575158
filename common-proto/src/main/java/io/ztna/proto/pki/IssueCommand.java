package io.ztna.proto.pki;

import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.SpiffeId;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pki issue}: signs a leaf certificate for one SPIFFE id with the CA in DIR. */
@Command(name = "issue", mixinStandardHelpOptions = true, version = "ztna 0.1.0",
        description = "Issues a certificate and writes PREFIX.pem (certificate chain) and"
                + " PREFIX-key.pem (unencrypted PKCS#8 key, mode 0600), replacing existing files.")
final class IssueCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR",
            description = "Directory holding ca.pem and ca-key.pem, made by 'pki init'.")
    private Path dir;

    @Option(names = "--role", required = true, paramLabel = "ROLE",
            converter = CliConverters.Role.class,
            description = "Role in the SPIFFE id: user, publisher, client-gateway or"
                    + " publisher-gateway.")
    private PeerRole role;

    @Option(names = "--name", required = true, paramLabel = "NAME",
            description = "Email address for role user, otherwise the publisher or gateway id,"
                    + " for example pub-1.")
    private String name;

    @Option(names = "--device", paramLabel = "DEV",
            description = "Device name; required for role user and not allowed otherwise.")
    private String device;

    @Option(names = "--dns", paramLabel = "NAME",
            description = "Adds a DNS SAN; repeat for more.")
    private List<String> dnsNames = new ArrayList<>();

    @Option(names = "--ip", paramLabel = "ADDR", converter = CliConverters.IpAddress.class,
            description = "Adds an IP address SAN (an IPv4 or IPv6 literal); repeat for more.")
    private List<InetAddress> ipAddresses = new ArrayList<>();

    @Option(names = "--validity", paramLabel = "DURATION", defaultValue = "365d",
            converter = CliConverters.Validity.class,
            description = "Time from now until the certificate expires, as a number with unit"
                    + " d (days), h (hours), m (minutes) or s (seconds); default ${DEFAULT-VALUE}."
                    + " NotBefore is also backdated 5 minutes.")
    private Duration validity;

    @Option(names = "--out", paramLabel = "PREFIX",
            description = "Output path prefix; default DIR/ROLE-NAME, with DIR/user-NAME-DEV for"
                    + " users.")
    private Path out;

    @Override
    public Integer call() throws Exception {
        CertificateAuthority ca = CaDirectory.load(dir);
        LeafRequest request = leafRequest(spiffeId(ca.trustDomain()));
        IssuedCertificate issued = ca.issue(request);
        Path prefix = out != null ? out : dir.resolve(defaultPrefix(issued.id()));
        Path chainFile = prefix.resolveSibling(prefix.getFileName() + ".pem");
        Path keyFile = prefix.resolveSibling(prefix.getFileName() + "-key.pem");
        issued.write(chainFile, keyFile);
        spec.commandLine().getOut().printf("issued certificate: id=%s notAfter=%s"
                        + " certificate=%s key=%s%n", issued.id(),
                issued.certificate().getNotAfter().toInstant(), chainFile, keyFile);
        return 0;
    }

    private SpiffeId spiffeId(String trustDomain) {
        if (role == PeerRole.USER && device == null) {
            throw invalidInput("--device is required for role user");
        }
        if (role != PeerRole.USER && device != null) {
            throw invalidInput("--device '" + device + "' is only allowed for role user, not "
                    + role);
        }
        try {
            return role == PeerRole.USER
                    ? SpiffeId.user(trustDomain, name, device)
                    : SpiffeId.workload(trustDomain, role, name);
        } catch (IllegalArgumentException e) {
            throw invalidInput(e.getMessage());
        }
    }

    private LeafRequest leafRequest(SpiffeId id) {
        LeafRequest.Builder builder = LeafRequest.builder(id).validity(validity);
        try {
            dnsNames.forEach(builder::dnsName);
        } catch (IllegalArgumentException e) {
            throw invalidInput("--dns: " + e.getMessage());
        }
        ipAddresses.forEach(builder::ipAddress);
        return builder.build();
    }

    private static String defaultPrefix(SpiffeId id) {
        String base = id.role().wireName() + "-" + id.name();
        return id.device() == null ? base : base + "-" + id.device();
    }

    private CommandLine.ParameterException invalidInput(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
