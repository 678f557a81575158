package io.ztna.proto.tls;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A workload identity of the form {@code spiffe://TRUST-DOMAIN/ROLE/...}, carried as the URI SAN
 * of every certificate that ztna issues.
 *
 * <p>Accepted forms:
 * <pre>
 * spiffe://TD/user/EMAIL/device/DEVICE
 * spiffe://TD/publisher/ID
 * spiffe://TD/client-gateway/ID
 * spiffe://TD/publisher-gateway/ID
 * </pre>
 * The trust domain follows the SPIFFE ID specification: lowercase letters, digits, {@code .},
 * {@code -} and {@code _}, at most 255 characters. Path segments are non-empty and may contain
 * letters, digits and {@code . - _ @ +}; {@code @} and {@code +} go beyond the SPIFFE segment
 * alphabet so that user segments can carry an email address. Instances are immutable and compare
 * by value.
 */
public final class SpiffeId {
    private static final String SCHEME = "spiffe://";
    private static final int MAX_TRUST_DOMAIN_LENGTH = 255;
    private static final int MAX_ID_LENGTH = 2048;
    private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]+");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._@+-]+");
    private static final String EXPECTED_FORMS = "spiffe://TRUST-DOMAIN/user/EMAIL/device/DEVICE"
            + " or spiffe://TRUST-DOMAIN/{publisher|client-gateway|publisher-gateway}/ID";

    private final String trustDomain;
    private final PeerRole role;
    private final String name;
    private final String device;

    private SpiffeId(String trustDomain, PeerRole role, String name, String device) {
        this.trustDomain = trustDomain;
        this.role = role;
        this.name = name;
        this.device = device;
    }

    /**
     * Creates the id of a user's device.
     *
     * @throws IllegalArgumentException if a part is empty or contains a character not allowed
     */
    public static SpiffeId user(String trustDomain, String email, String device) {
        return new SpiffeId(checkTrustDomain(trustDomain), PeerRole.USER,
                checkSegment("user email", email), checkSegment("device", device));
    }

    /**
     * Creates the id of a publisher or gateway; use {@link #user} for users.
     *
     * @throws IllegalArgumentException if the role is {@link PeerRole#USER} or a part is invalid
     */
    public static SpiffeId workload(String trustDomain, PeerRole role, String id) {
        Objects.requireNonNull(role, "role");
        if (role == PeerRole.USER) {
            throw new IllegalArgumentException("user ids need a device: use SpiffeId.user");
        }
        return new SpiffeId(checkTrustDomain(trustDomain), role, checkSegment(role + " id", id),
                null);
    }

    /**
     * Parses an id in one of the accepted forms.
     *
     * @throws IllegalArgumentException naming the value and the expected forms if it is invalid
     */
    public static SpiffeId parse(String value) {
        Objects.requireNonNull(value, "value");
        if (value.length() > MAX_ID_LENGTH || !value.startsWith(SCHEME)) {
            throw invalid(value);
        }
        String[] parts = value.substring(SCHEME.length()).split("/", -1);
        try {
            if (parts.length == 5 && parts[1].equals(PeerRole.USER.wireName())
                    && parts[3].equals("device")) {
                return user(parts[0], parts[2], parts[4]);
            }
            if (parts.length == 3 && !parts[1].equals(PeerRole.USER.wireName())) {
                return workload(parts[0], PeerRole.fromWireName(parts[1]), parts[2]);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid SPIFFE id '" + value + "': "
                    + e.getMessage() + " (expected " + EXPECTED_FORMS + ")", e);
        }
        throw invalid(value);
    }

    /**
     * Returns the trust domain unchanged if it is valid.
     *
     * @throws IllegalArgumentException naming the value and the allowed characters otherwise
     */
    public static String checkTrustDomain(String trustDomain) {
        Objects.requireNonNull(trustDomain, "trustDomain");
        if (trustDomain.isEmpty() || trustDomain.length() > MAX_TRUST_DOMAIN_LENGTH
                || !TRUST_DOMAIN.matcher(trustDomain).matches()) {
            throw new IllegalArgumentException("invalid trust domain '" + trustDomain
                    + "' (expected 1 to 255 lowercase letters, digits, '.', '-' or '_',"
                    + " for example example.org)");
        }
        return trustDomain;
    }

    private static String checkSegment(String part, String segment) {
        Objects.requireNonNull(segment, part);
        if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
            throw new IllegalArgumentException("invalid " + part + " '" + segment
                    + "' (expected letters, digits, '.', '-', '_', '@' or '+')");
        }
        return segment;
    }

    private static IllegalArgumentException invalid(String value) {
        return new IllegalArgumentException(
                "invalid SPIFFE id '" + value + "' (expected " + EXPECTED_FORMS + ")");
    }

    /** Returns the trust domain, for example {@code example.org}. */
    public String trustDomain() {
        return trustDomain;
    }

    /** Returns the role named by the first path segment. */
    public PeerRole role() {
        return role;
    }

    /** Returns the email address for users and the publisher or gateway id otherwise. */
    public String name() {
        return name;
    }

    /** Returns the device name for users and {@code null} for every other role. */
    public String device() {
        return device;
    }

    /** Returns the URI form, for example {@code spiffe://example.org/publisher/pub-1}. */
    @Override
    public String toString() {
        String base = SCHEME + trustDomain + "/" + role.wireName() + "/" + name;
        return device == null ? base : base + "/device/" + device;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof SpiffeId)) {
            return false;
        }
        SpiffeId that = (SpiffeId) other;
        return trustDomain.equals(that.trustDomain) && role == that.role && name.equals(that.name)
                && Objects.equals(device, that.device);
    }

    @Override
    public int hashCode() {
        return Objects.hash(trustDomain, role, name, device);
    }
}
