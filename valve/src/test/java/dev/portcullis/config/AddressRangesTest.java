package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** healthDetailsFrom: IP literals and ranges only, matched bit by bit, never through DNS. */
class AddressRangesTest {

    @Test
    void theDefaultIsThisMachineOnly() {
        AddressRanges loopback = (AddressRanges) Setting.HEALTH_DETAILS_FROM.parse(Setting.HEALTH_DETAILS_FROM.defaultValue());
        assertThat(loopback.contains("127.0.0.1")).isTrue();
        assertThat(loopback.contains("127.255.0.9")).isTrue();
        assertThat(loopback.contains("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(loopback.contains("128.0.0.1")).isFalse();
        assertThat(loopback.contains("10.0.0.1")).isFalse();
        assertThat(loopback.contains("::2")).isFalse();
        assertThat(loopback.contains("localhost")).as("a name is never looked up").isFalse();
    }

    @Test
    void prefixesCountBitsNotBytes() {
        AddressRanges ranges = AddressRanges.parse("healthDetailsFrom", "10.1.2.0/23, 2001:db8::/32");
        assertThat(ranges.contains("10.1.3.255")).isTrue();
        assertThat(ranges.contains("10.1.4.0")).isFalse();
        assertThat(ranges.contains("2001:db8:ffff::1")).isTrue();
        assertThat(ranges.contains("2001:db9::1")).isFalse();
        assertThat(AddressRanges.parse("healthDetailsFrom", "").contains("127.0.0.1")).as("empty: nobody").isFalse();
    }

    @Test
    void namesAndBadPrefixesAreRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> AddressRanges.parse("healthDetailsFrom", "monitor.example.com"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("healthDetailsFrom")
                .hasMessageContaining("host names are not accepted");
        assertThatThrownBy(() -> AddressRanges.parse("healthDetailsFrom", "10.0.0.0/33"))
                .hasMessageContaining("prefix length outside 0 to 32");
        assertThatThrownBy(() -> AddressRanges.parse("healthDetailsFrom", "10.0.0.0/x")).isInstanceOf(ConfigurationException.class);
    }
}
