package io.ztna.agent.capture;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.netty.util.NetUtil;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.HostAndPort;
import io.ztna.proto.config.InvalidValueException;
import io.ztna.proto.config.PortZeroAllowed;
import io.ztna.proto.config.Validatable;
import io.ztna.proto.config.ValidationContext;
import io.ztna.proto.policy.HostPattern;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code capture} section of the agent's config: transparent capture of TCP connections by
 * kernel redirect rules. Missing fields take the defaults: mode {@code off}, listen
 * {@code 127.0.0.1:15001}, stub ranges {@code [100.64.0.0/10]}.
 *
 * @param mode which firewall the redirect rules are written for: {@code off}, {@code nft} or
 *     {@code iptables}
 * @param listen the listener that redirected connections reach; an IP literal, because the
 *     rules redirect to it. Port 0 takes a free port, which the rules then name.
 * @param stubRanges address blocks from which the agent's DNS server hands out stub addresses
 *     for app names, as written in the file; CIDR blocks or single addresses
 */
public record CaptureSection(String mode, HostAndPort listen, List<String> stubRanges)
        implements Validatable {

    /** Firewalls the redirect rules can be written for. */
    public enum Mode { OFF, NFT, IPTABLES }

    static final HostAndPort DEFAULT_LISTEN = new HostAndPort("127.0.0.1", 15001);
    static final List<String> DEFAULT_STUB_RANGES = List.of("100.64.0.0/10");

    public static final CaptureSection DEFAULTS =
            new CaptureSection("off", DEFAULT_LISTEN, DEFAULT_STUB_RANGES);

    @JsonCreator
    public CaptureSection(@JsonProperty("mode") String mode,
            @JsonProperty("listen") @PortZeroAllowed HostAndPort listen,
            @JsonProperty("stubRanges") List<String> stubRanges) {
        this.mode = mode == null ? "off" : mode;
        this.listen = listen == null ? DEFAULT_LISTEN : listen;
        this.stubRanges = stubRanges == null ? DEFAULT_STUB_RANGES : List.copyOf(stubRanges);
    }

    @Override
    public void validate(ValidationContext context) throws ConfigException {
        if (parseMode(mode) == null) {
            context.fail("mode", mode, "off, nft or iptables");
        }
        if (!NetUtil.isValidIpV4Address(listen.host())
                && !NetUtil.isValidIpV6Address(listen.host())) {
            context.fail("listen", listen, "an IP address and port such as 127.0.0.1:15001, "
                    + "because the redirect rules name the address");
        }
        for (int i = 0; i < stubRanges.size(); i++) {
            if (parseRange(stubRanges.get(i)) == null) {
                context.fail("stubRanges[" + i + "]", stubRanges.get(i),
                        "a CIDR block such as 100.64.0.0/10, or a single address");
            }
        }
    }

    /** Returns the mode; call only on a validated section. */
    public Mode parsedMode() {
        return parseMode(mode);
    }

    /** Returns the listen address; an IP literal after validation, so nothing is resolved. */
    public InetSocketAddress listenAddress() {
        return listen.toSocketAddress();
    }

    /** Returns the stub ranges as address blocks; call only on a validated section. */
    public List<HostPattern> stubNetworks() {
        List<HostPattern> networks = new ArrayList<>();
        stubRanges.forEach(range -> networks.add(parseRange(range)));
        return networks;
    }

    private static Mode parseMode(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "off" -> Mode.OFF;
            case "nft" -> Mode.NFT;
            case "iptables" -> Mode.IPTABLES;
            default -> null;
        };
    }

    /** Returns the block, or null unless the text is a CIDR block or an IP address. */
    private static HostPattern parseRange(String text) {
        try {
            HostPattern pattern = HostPattern.parse(text);
            return pattern.kind() == HostPattern.Kind.CIDR
                    || pattern.kind() == HostPattern.Kind.ADDRESS ? pattern : null;
        } catch (InvalidValueException e) {
            return null;
        }
    }
}
