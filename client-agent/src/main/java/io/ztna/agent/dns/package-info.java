/**
 * The agent's DNS server: stub addresses for the names of steered apps, publisher DNS for apps
 * that resolve on the publisher's side, and forwarding of every other query to the upstream
 * resolvers.
 */
package io.ztna.agent.dns;
