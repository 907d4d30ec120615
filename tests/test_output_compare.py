"""The comparison of printed outputs that the program corpus and the course material use."""
from output_compare import differences, lines_match, numbers_match


def test_floats_match_within_the_tolerance_or_one_printed_unit():
    assert numbers_match("4.959174", "4.959175")  # one unit in the last printed digit
    assert numbers_match("0.0001", "0.0002")
    assert numbers_match("1234.5", "1234.6")
    assert numbers_match("1.2345e-05", "1.2346e-05")
    assert numbers_match("100000.0", "100001.0")  # within RTOL
    assert not numbers_match("4.959174", "4.961174")
    assert not numbers_match("0.5", "0.7")
    assert not numbers_match("1.0", "-1.0")
    assert numbers_match("nan", "nan") and not numbers_match("inf", "-inf")


def test_integers_and_digits_in_words_must_be_equal():
    assert not numbers_match("2", "3")
    assert lines_match("Conv2d(1, 6, kernel_size=(5, 5))", "Conv2d(1, 6, kernel_size=(5, 5))")
    assert not lines_match("Conv2d(1, 6)", "Conv3d(1, 6)")
    assert not lines_match("torch.float32", "torch.float64")
    assert not lines_match("epoch 1, loss 0.5", "epoch 2, loss 0.5")


def test_text_spacing_and_line_counts_must_be_identical():
    assert lines_match("tensor([ 0.1000, -0.2000])", "tensor([ 0.1000, -0.2000])")
    assert not lines_match("tensor([0.1000])", "tensor([ 0.1000])")
    assert not lines_match("loss: 0.5", "loss= 0.5")
    assert differences("a\nb", "a") == ["2 lines expected, 1 printed; the first extra: 'b'"]
    assert differences("x 1.5\ny", "x 1.5\ny") == []
