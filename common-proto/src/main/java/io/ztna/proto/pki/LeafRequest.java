package io.ztna.proto.pki;

import io.ztna.proto.tls.SpiffeId;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The requested contents of a leaf certificate: the SPIFFE id, optional DNS and IP SANs, and the
 * validity counted from the time of issue. Instances are immutable and made by {@link #builder}.
 */
public final class LeafRequest {
    /** Validity used when the builder is given none. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);

    private static final int MAX_DNS_NAME_LENGTH = 253;
    private static final Pattern DNS_NAME = Pattern.compile(
            "(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    private final SpiffeId id;
    private final List<String> dnsNames;
    private final List<InetAddress> ipAddresses;
    private final Duration validity;

    private LeafRequest(Builder builder) {
        this.id = builder.id;
        this.dnsNames = List.copyOf(builder.dnsNames);
        this.ipAddresses = List.copyOf(builder.ipAddresses);
        this.validity = builder.validity;
    }

    /** Starts a request for a certificate that identifies {@code id}. */
    public static Builder builder(SpiffeId id) {
        return new Builder(Objects.requireNonNull(id, "id"));
    }

    /** Returns the id written as the certificate's only URI SAN. */
    public SpiffeId id() {
        return id;
    }

    /** Returns the DNS SANs, in order. */
    public List<String> dnsNames() {
        return dnsNames;
    }

    /** Returns the IP address SANs, in order. */
    public List<InetAddress> ipAddresses() {
        return ipAddresses;
    }

    /** Returns the time from issue to expiry; NotBefore is additionally backdated. */
    public Duration validity() {
        return validity;
    }

    /** Collects the optional parts of a {@link LeafRequest}. Not thread-safe. */
    public static final class Builder {
        private final SpiffeId id;
        private final List<String> dnsNames = new ArrayList<>();
        private final List<InetAddress> ipAddresses = new ArrayList<>();
        private Duration validity = DEFAULT_VALIDITY;

        private Builder(SpiffeId id) {
            this.id = id;
        }

        /**
         * Adds a DNS SAN, optionally with a leading {@code *.} wildcard label.
         *
         * @throws IllegalArgumentException if the name is not a valid DNS name
         */
        public Builder dnsName(String name) {
            Objects.requireNonNull(name, "name");
            if (name.length() > MAX_DNS_NAME_LENGTH || !DNS_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid DNS name '" + name + "' (expected"
                        + " dot-separated labels of letters, digits and '-', for example"
                        + " gw.example.org)");
            }
            dnsNames.add(name);
            return this;
        }

        /** Adds an IP address SAN. */
        public Builder ipAddress(InetAddress address) {
            ipAddresses.add(Objects.requireNonNull(address, "address"));
            return this;
        }

        /**
         * Sets the time from issue to expiry.
         *
         * @throws IllegalArgumentException if the validity is zero or negative
         */
        public Builder validity(Duration validity) {
            Objects.requireNonNull(validity, "validity");
            if (validity.isNegative() || validity.isZero()) {
                throw new IllegalArgumentException(
                        "invalid validity " + validity + " (expected > 0)");
            }
            this.validity = validity;
            return this;
        }

        /** Returns the immutable request. */
        public LeafRequest build() {
            return new LeafRequest(this);
        }
    }
}
