package io.ztna.proto.pki;

import io.netty.util.NetUtil;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.Revocation;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CRLReason;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converters for {@code pki} option values; each rejects bad input with the expected form. */
final class CliConverters {
    private CliConverters() {
    }

    /** Converts a role's wire name, such as {@code client-gateway}, to a {@link PeerRole}. */
    static final class Role implements ITypeConverter<PeerRole> {
        @Override
        public PeerRole convert(String value) {
            try {
                return PeerRole.fromWireName(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Converts an IP address literal without any DNS lookup. */
    static final class IpAddress implements ITypeConverter<InetAddress> {
        @Override
        public InetAddress convert(String value) throws UnknownHostException {
            byte[] bytes = NetUtil.createByteArrayFromIpAddressString(value);
            if (bytes == null) {
                throw new TypeConversionException("invalid IP address '" + value
                        + "' (expected an IPv4 or IPv6 literal, for example 127.0.0.1 or ::1)");
            }
            return InetAddress.getByAddress(bytes);
        }
    }

    /** Converts a revocation reason that {@code pki revoke} accepts, such as key-compromise. */
    static final class Reason implements ITypeConverter<CRLReason> {
        private static final List<CRLReason> ACCEPTED = List.of(CRLReason.KEY_COMPROMISE,
                CRLReason.SUPERSEDED, CRLReason.CESSATION_OF_OPERATION, CRLReason.UNSPECIFIED);

        @Override
        public CRLReason convert(String value) {
            for (CRLReason reason : ACCEPTED) {
                if (Revocation.reasonName(reason).equals(value)) {
                    return reason;
                }
            }
            throw new TypeConversionException("invalid reason '" + value + "' (expected"
                    + " key-compromise, superseded, cessation-of-operation or unspecified)");
        }
    }

    /** Converts a positive duration written as a number and a unit: d, h, m or s. */
    static final class Validity implements ITypeConverter<Duration> {
        private static final Pattern FORM = Pattern.compile("([0-9]{1,9})([dhms])");

        @Override
        public Duration convert(String value) {
            Matcher matcher = FORM.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
                throw new TypeConversionException("invalid duration '" + value
                        + "' (expected a positive number with unit d, h, m or s, for example"
                        + " 365d or 12h)");
            }
            long amount = Long.parseLong(matcher.group(1));
            switch (matcher.group(2)) {
                case "d":
                    return Duration.ofDays(amount);
                case "h":
                    return Duration.ofHours(amount);
                case "m":
                    return Duration.ofMinutes(amount);
                default:
                    return Duration.ofSeconds(amount);
            }
        }
    }
}
