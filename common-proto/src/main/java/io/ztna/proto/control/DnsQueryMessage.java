package io.ztna.proto.control;

/**
 * A DNS query for an app with publisher DNS on, sent by an agent to its client gateway, which
 * checks that the user may reach an app covering the name, picks a publisher of that app and
 * passes the query on to the publisher's gateway with {@code publisher} set; that gateway hands
 * it to the publisher, which resolves it with its own resolvers.
 *
 * @param id identifies the query on each hop; the answer carries it back
 * @param name the queried name, as asked
 * @param qtype the DNS record type code, such as 1 for A or 16 for TXT
 * @param publisher the chosen publisher's id, set by the client gateway; null from agents
 */
public record DnsQueryMessage(String id, String name, int qtype, String publisher)
        implements ControlMessage {
}
