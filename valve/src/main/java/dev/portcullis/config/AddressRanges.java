package dev.portcullis.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A list of IP address ranges ({@code 127.0.0.0/8, ::1, 10.1.2.0/24}), parsed when the setting is set,
 * for {@code healthDetailsFrom}. Only address literals: a host name would make the decision depend on
 * whoever answers DNS. An IPv4 address never matches an IPv6 range and the reverse (an IPv4-mapped
 * IPv6 client address is compared as the IPv4 address Java gives for it). Immutable.
 */
public final class AddressRanges {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private record Range(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private final List<Range> ranges;
    private final String text;

    private AddressRanges(List<Range> ranges, String text) {
        this.ranges = ranges;
        this.text = text;
    }

    static AddressRanges parse(String setting, String value) {
        List<Range> ranges = new ArrayList<>();
        for (String item : value == null ? new String[0] : value.split(",")) {
            String entry = item.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            byte[] bytes = literal(address);
            if (bytes == null) {
                throw new ConfigurationException(setting, "'" + entry + "' is not an IP address or range such as"
                        + " 127.0.0.0/8 or ::1 (host names are not accepted).");
            }
            int prefix = bytes.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new ConfigurationException(setting, "'" + entry + "' has a prefix length outside 0 to "
                            + bytes.length * 8 + ".");
                }
            }
            ranges.add(new Range(bytes, prefix));
        }
        return new AddressRanges(List.copyOf(ranges), value == null ? "" : value.trim());
    }

    /** Whether {@code address} (an IP literal, as {@code getRemoteAddr()} gives it) is in one of the ranges. */
    public boolean contains(String address) {
        byte[] bytes = address == null ? null : literal(address);
        if (bytes == null) {
            return false;
        }
        for (Range range : ranges) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** The address bytes of an IP literal, or null: never a DNS lookup. */
    private static byte[] literal(String address) {
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        if (!IPV4.matcher(a).matches() && !IPV6.matcher(a).matches()) {
            return null;
        }
        try {
            // A literal of either form is parsed without a lookup (InetAddress.getByName checks for one first).
            return InetAddress.getByName(a).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
