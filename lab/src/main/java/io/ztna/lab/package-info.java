/** The all-in-one lab that runs every tier on loopback. */
package io.ztna.lab;
