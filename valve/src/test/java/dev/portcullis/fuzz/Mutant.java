package dev.portcullis.fuzz;

import java.util.List;

/**
 * One mutated message.
 *
 * @param seed         the name of the seed it was made from
 * @param samlResponse the {@code SAMLResponse} form field to send
 * @param operations   what was done, in order, one line each ({@code kind detail}); empty for a seed as is
 */
record Mutant(String seed, String samlResponse, List<String> operations) {

    Mutant {
        operations = List.copyOf(operations);
    }

    /** The kinds of operation applied, such as {@code dom.move}, for the statistics. */
    List<String> kinds() {
        return operations.stream().map(op -> op.indexOf(' ') < 0 ? op : op.substring(0, op.indexOf(' '))).toList();
    }
}
