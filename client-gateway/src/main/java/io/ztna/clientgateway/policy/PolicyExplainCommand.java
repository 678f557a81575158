package io.ztna.clientgateway.policy;

import io.ztna.clientgateway.ClientGatewayConfig;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.InvalidValueException;
import io.ztna.proto.frame.Protocol;
import io.ztna.proto.policy.Explanation;
import io.ztna.proto.policy.HostPattern;
import io.ztna.proto.policy.LoadedPolicy;
import io.ztna.proto.policy.PolicyEngine;
import io.ztna.proto.posture.DevicePosture;
import io.ztna.proto.posture.DevicePostureConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code client-gateway policy explain}: prints why policy allows or denies one flow of one
 * user, as the gateway would decide a new flow, and what the user's steering policy does with
 * the destination. It reads files only and does not contact the gateway.
 */
@Command(name = "explain", mixinStandardHelpOptions = true, version = "ztna 0.1.0",
        description = {"Explains the decision for one flow: the app that covers the "
                + "destination, the user as the directory lists it, how each rule that lists "
                + "the app fared, and the entry of the user's steering policy that covers the "
                + "destination.",
            "Without --posture, posture conditions count as met. The steering policy version "
                + "is the latest modification time of the policy and directory files in "
                + "milliseconds; the gateway numbers its own by the time it loads them."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:policy allows the flow", "1:policy denies the flow",
            "2:invalid input (an option, or the config, policy, directory or posture file)"})
final class PolicyExplainCommand implements Callable<Integer> {

    /** The source of the policy file: exactly one of the two options. */
    static final class PolicySource {

        @Option(names = "--config", paramLabel = "FILE",
                description = "Client gateway config file; its 'policy' field names the "
                        + "policy file.")
        Path config;

        @Option(names = "--policy", paramLabel = "FILE", description = "Policy file.")
        Path policy;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    PolicySource source;

    @Option(names = "--user", required = true, paramLabel = "EMAIL",
            description = "User id: the email in the device certificate.")
    String user;

    @Option(names = "--host", required = true, paramLabel = "HOST",
            description = "Destination host name or IP address, as the app client gives it.")
    String host;

    @Option(names = "--port", required = true, paramLabel = "PORT",
            description = "Destination port, 1 to 65535.")
    int port;

    @Option(names = "--protocol", defaultValue = "tcp", paramLabel = "PROTOCOL",
            description = "tcp or udp (default: ${DEFAULT-VALUE}).")
    String protocol;

    @Option(names = "--posture", paramLabel = "FILE",
            description = "YAML device posture: osName, osVersion, agentVersion, hostName, "
                    + "diskEncryption, firewall, screenLock (pass, fail or unknown) and "
                    + "checks {NAME: pass}.")
    Path postureFile;

    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Protocol flowProtocol = flowProtocol();
        checkFlow();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadedPolicy loaded;
        DevicePosture posture = null;
        try {
            Path policyFile = source.policy != null ? source.policy
                    : ClientGatewayConfig.policyFileOf(source.config);
            loaded = LoadedPolicy.load(policyFile);
            if (postureFile != null) {
                posture = DevicePostureConfig.load(postureFile);
            }
        } catch (ConfigException e) {
            err.println(spec.qualifiedName() + ": " + e.getMessage());
            err.flush();
            return PolicyCommand.EXIT_INVALID;
        }
        loaded.warnings().forEach(warning -> err.println("warning: " + warning));
        err.flush();

        PolicyEngine engine = loaded.toEngine(steeringVersion(loaded));
        Explanation explanation = engine.explain(engine.principal(user, Set.of(), posture),
                host, flowProtocol, port);
        ExplainReport report = ExplainReport.of(engine, loaded.users(), explanation, user,
                flowProtocol, host, port, posture, postureFile);
        if (json) {
            out.println(report.json());
        } else {
            report.text().forEach(out::println);
        }
        out.flush();
        return report.allowed() ? PolicyCommand.EXIT_OK : PolicyCommand.EXIT_FAILED;
    }

    private Protocol flowProtocol() {
        return switch (protocol.toLowerCase(Locale.ROOT)) {
            case "tcp" -> Protocol.TCP;
            case "udp" -> Protocol.UDP;
            default -> throw new ParameterException(spec.commandLine(), "invalid value '"
                    + protocol + "' for option '--protocol': expected tcp or udp");
        };
    }

    /** Rejects a port out of range and a host that is neither a name nor an IP address. */
    private void checkFlow() {
        if (port < 1 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "invalid value '" + port
                    + "' for option '--port': expected a port from 1 to 65535");
        }
        boolean valid;
        try {
            HostPattern.Kind kind = HostPattern.parse(host).kind();
            valid = kind == HostPattern.Kind.NAME || kind == HostPattern.Kind.ADDRESS;
        } catch (InvalidValueException e) {
            valid = false;
        }
        if (!valid) {
            throw new ParameterException(spec.commandLine(), "invalid value '" + host
                    + "' for option '--host': expected a host name or an IP address");
        }
    }

    /**
     * Returns the latest modification time of the policy's files in milliseconds, so that
     * runs on unchanged files print the same version, or 0 when a file's time cannot be read.
     */
    private static long steeringVersion(LoadedPolicy loaded) {
        long version = 0;
        for (Path file : loaded.files()) {
            try {
                version = Math.max(version, Files.getLastModifiedTime(file).toMillis());
            } catch (IOException e) {
                return 0;
            }
        }
        return version;
    }
}
