package io.ztna.agent.dns;

/** A datagram or TCP message is not a DNS query the server can answer. */
final class MalformedQueryException extends Exception {

    MalformedQueryException(String message) {
        super(message);
    }
}
