package io.ztna.proto.control;

/**
 * The answer to a {@link DnsQueryMessage}, passed back hop by hop.
 *
 * @param id the query's id
 * @param rcode the DNS response code (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED), or 2 with
 *     {@code error} set when no resolver answered
 * @param response the resolver's whole DNS response message, base64, or null when there is none
 * @param error why the query failed before reaching a resolver or without an answer, or null
 */
public record DnsAnswerMessage(String id, int rcode, String response, String error)
        implements ControlMessage {
}
