package dev.portcullis.testkit;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random SAML identifiers: an underscore (an xsd:ID must not start with a digit) and 160 random bits. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String newId() {
        byte[] bytes = new byte[20];
        RANDOM.nextBytes(bytes);
        return "_" + HexFormat.of().formatHex(bytes);
    }
}
