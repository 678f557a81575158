package io.ztna.proto.dns;

/** No upstream resolver gave an answer; the message names each one and what went wrong. */
public final class DnsUpstreamException extends Exception {

    public DnsUpstreamException(String message) {
        super(message, null, false, false);
    }
}
