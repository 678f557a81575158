/** The client gateway daemon that terminates agent tunnels and decides every flow. */
package io.ztna.clientgateway;
