/**
 * The agent's choice of client gateway: connect times measured to each configured gateway, and
 * the dialer that keeps one tunnel to the closest reachable one and fails over to the next.
 */
package io.ztna.agent.gateway;
