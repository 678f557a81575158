package io.ztna.proto.metrics;

/**
 * Label values of {@code ztna_dns_queries}, from small fixed sets so that a client sending
 * arbitrary record types or codes cannot add series.
 */
public final class DnsLabels {

    private DnsLabels() {
    }

    /**
     * Returns the mnemonic of a query type for the {@code type} label: one of the common types
     * (A, AAAA, CNAME, MX, NS, PTR, SOA, SRV, TXT, SVCB, HTTPS, ANY), otherwise {@code other}.
     */
    public static String type(int qtype) {
        return switch (qtype) {
            case 1 -> "A";
            case 2 -> "NS";
            case 5 -> "CNAME";
            case 6 -> "SOA";
            case 12 -> "PTR";
            case 15 -> "MX";
            case 16 -> "TXT";
            case 28 -> "AAAA";
            case 33 -> "SRV";
            case 64 -> "SVCB";
            case 65 -> "HTTPS";
            case 255 -> "ANY";
            default -> "other";
        };
    }

    /**
     * Returns the name of a response code for the {@code outcome} label: {@code noerror},
     * {@code formerr}, {@code servfail}, {@code nxdomain}, {@code notimp}, {@code refused},
     * otherwise {@code other}.
     */
    public static String rcode(int rcode) {
        return switch (rcode) {
            case 0 -> "noerror";
            case 1 -> "formerr";
            case 2 -> "servfail";
            case 3 -> "nxdomain";
            case 4 -> "notimp";
            case 5 -> "refused";
            default -> "other";
        };
    }
}
