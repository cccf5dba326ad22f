package dev.portcullis.fuzz;

import java.util.List;

/**
 * One mutated message.
 *
 * @param seed         the name of the seed it was made from
 * @param samlResponse the {@code SAMLResponse} form field to send
 * @param operations   what was done, in order, one line each ({@code kind detail}); empty for a seed as is
 * @param donors       the seeds whose elements {@code dom.splice} grafted in: a whole signed Assertion of
 *                     one of them may legitimately be accepted, with that seed's identity
 */
record Mutant(String seed, String samlResponse, List<String> operations, List<String> donors) {

    Mutant {
        operations = List.copyOf(operations);
        donors = List.copyOf(donors);
    }

    Mutant(String seed, String samlResponse, List<String> operations) {
        this(seed, samlResponse, operations, List.of());
    }

    /** The kinds of operation applied, such as {@code dom.move}, for the statistics. */
    List<String> kinds() {
        return operations.stream().map(op -> op.indexOf(' ') < 0 ? op : op.substring(0, op.indexOf(' '))).toList();
    }
}
