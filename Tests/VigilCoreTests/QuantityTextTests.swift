import Testing
import VigilCore

/// One way to say a quantity in evidence, everywhere.
struct QuantityTextTests {
    @Test func milliseconds() {
        #expect(QuantityText.milliseconds(572_400_000) == "572 ms")
        #expect(QuantityText.milliseconds(4_561_000) == "4.56 ms")
    }

    @Test func rates() {
        #expect(QuantityText.rate(1.23e9) == "1.2 GB/s")
        #expect(QuantityText.rate(11.4e6) == "11 MB/s")
        #expect(QuantityText.rate(2_830_000) == "2.83 MB/s")
    }

    @Test func sharesAndFactors() {
        #expect(QuantityText.percent(0.745) == "75%" && QuantityText.percent(-0.1) == "0%")
        #expect(QuantityText.factor(2.44) == "2.4×" && QuantityText.factor(.infinity) == "∞×")
    }
}
