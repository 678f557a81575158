/**
 * Device posture on the agent: collecting it from the host, reporting it to the client gateway
 * and responding to the gateway's re-authentication challenges with the device key.
 */
package io.ztna.agent.posture;
