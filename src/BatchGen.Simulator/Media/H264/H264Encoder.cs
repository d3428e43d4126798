namespace BatchGen.Simulator.H264;

/// <summary>
/// A deliberately small H.264 Constrained Baseline encoder: one IDR picture of I_PCM macroblocks (the raw samples,
/// so any picture is exact) followed by P pictures whose macroblocks are all P_L0_16x16 with one motion vector and no
/// residual, which pans the previous picture. CAVLC, one slice per picture, deblocking off, POC type 2.
/// Frame sizes that are not a multiple of 16 are coded at the next multiple and cropped in the SPS. A flat video is
/// one grey I_16x16 picture followed by all-skipped P pictures: a few bytes per picture at any size.
/// </summary>
internal sealed class H264Encoder
{
    /// <summary>The UUID of <see cref="UserDataSei"/>'s payload (random, fixed: "this is a BatchGen simulator label").</summary>
    private static readonly byte[] UserDataUuid = [0x6b, 0x1f, 0x3a, 0x52, 0x0c, 0x9e, 0x4d, 0x71, 0xa8, 0x35, 0x2e, 0x90, 0x5b, 0xc4, 0x17, 0xd6];

    /// <summary>log2_max_frame_num: frame_num counts P pictures modulo 2^16.</summary>
    private const int Log2MaxFrameNum = 16;

    public H264Encoder(int width, int height, int framesPerSecond)
    {
        if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0)
        {
            throw new ArgumentException($"frame size {width}x{height} must be positive and even");
        }

        Width = width;
        Height = height;
        FramesPerSecond = framesPerSecond;
        WidthInMbs = (width + 15) / 16;
        HeightInMbs = (height + 15) / 16;
    }

    public int Width { get; }

    public int Height { get; }

    public int FramesPerSecond { get; }

    public int WidthInMbs { get; }

    public int HeightInMbs { get; }

    /// <summary>profile_idc 66 (Baseline) with constraint_set0/1 (Constrained Baseline).</summary>
    public static byte ProfileIdc => 66;

    public static byte ProfileCompatibility => 0xC0;

    /// <summary>level_idc: 4.0 up to 1080p (8192 macroblocks), 5.1 above.</summary>
    public byte LevelIdc => WidthInMbs * HeightInMbs <= 8192 ? (byte)40 : (byte)51;

    /// <summary>The sequence parameter set NAL unit (no start code).</summary>
    public byte[] SequenceParameterSet()
    {
        var w = new BitWriter();
        w.Bits(ProfileIdc, 8);
        w.Bits(ProfileCompatibility, 8);
        w.Bits(LevelIdc, 8);
        w.UnsignedExpGolomb(0); // seq_parameter_set_id
        w.UnsignedExpGolomb(Log2MaxFrameNum - 4);
        w.UnsignedExpGolomb(2); // pic_order_cnt_type: output order = decoding order
        w.UnsignedExpGolomb(1); // max_num_ref_frames
        w.Bit(false); // gaps_in_frame_num_value_allowed_flag
        w.UnsignedExpGolomb((uint)WidthInMbs - 1);
        w.UnsignedExpGolomb((uint)HeightInMbs - 1);
        w.Bit(true); // frame_mbs_only_flag
        w.Bit(true); // direct_8x8_inference_flag
        var cropRight = ((WidthInMbs * 16) - Width) / 2; // CropUnitX = 2 for 4:2:0
        var cropBottom = ((HeightInMbs * 16) - Height) / 2;
        var cropping = cropRight > 0 || cropBottom > 0;
        w.Bit(cropping);
        if (cropping)
        {
            w.UnsignedExpGolomb(0);
            w.UnsignedExpGolomb((uint)cropRight);
            w.UnsignedExpGolomb(0);
            w.UnsignedExpGolomb((uint)cropBottom);
        }

        w.Bit(true); // vui_parameters_present_flag
        w.Bit(false); // aspect_ratio_info_present_flag (square samples)
        w.Bit(false); // overscan_info_present_flag
        w.Bit(false); // video_signal_type_present_flag
        w.Bit(false); // chroma_loc_info_present_flag
        w.Bit(true); // timing_info_present_flag
        w.Bits(1, 32); // num_units_in_tick
        w.Bits((uint)(2 * FramesPerSecond), 32); // time_scale (two ticks a frame)
        w.Bit(true); // fixed_frame_rate_flag
        w.Bit(false); // nal_hrd_parameters_present_flag
        w.Bit(false); // vcl_hrd_parameters_present_flag
        w.Bit(false); // pic_struct_present_flag
        w.Bit(true); // bitstream_restriction_flag
        w.Bit(true); // motion_vectors_over_pic_boundaries_flag
        w.UnsignedExpGolomb(0); // max_bytes_per_pic_denom
        w.UnsignedExpGolomb(0); // max_bits_per_mb_denom
        w.UnsignedExpGolomb(16); // log2_max_mv_length_horizontal
        w.UnsignedExpGolomb(16); // log2_max_mv_length_vertical
        w.UnsignedExpGolomb(0); // max_num_reorder_frames
        w.UnsignedExpGolomb(1); // max_dec_frame_buffering
        w.TrailingBits();
        return BitWriter.ToNalUnit(3, 7, w.ToArray());
    }

    /// <summary>The picture parameter set NAL unit (no start code).</summary>
    public static byte[] PictureParameterSet()
    {
        var w = new BitWriter();
        w.UnsignedExpGolomb(0); // pic_parameter_set_id
        w.UnsignedExpGolomb(0); // seq_parameter_set_id
        w.Bit(false); // entropy_coding_mode_flag: CAVLC
        w.Bit(false); // bottom_field_pic_order_in_frame_present_flag
        w.UnsignedExpGolomb(0); // num_slice_groups_minus1
        w.UnsignedExpGolomb(0); // num_ref_idx_l0_default_active_minus1
        w.UnsignedExpGolomb(0); // num_ref_idx_l1_default_active_minus1
        w.Bit(false); // weighted_pred_flag
        w.Bits(0, 2); // weighted_bipred_idc
        w.SignedExpGolomb(0); // pic_init_qp_minus26
        w.SignedExpGolomb(0); // pic_init_qs_minus26
        w.SignedExpGolomb(0); // chroma_qp_index_offset
        w.Bit(true); // deblocking_filter_control_present_flag
        w.Bit(false); // constrained_intra_pred_flag
        w.Bit(false); // redundant_pic_cnt_present_flag
        w.TrailingBits();
        return BitWriter.ToNalUnit(3, 8, w.ToArray());
    }

    /// <summary>
    /// The IDR slice NAL unit: every macroblock I_PCM, samples taken from <paramref name="picture"/> (edge samples
    /// repeated into the padding below and to the right of the visible frame).
    /// </summary>
    public byte[] IdrSlice(Yuv420Picture picture)
    {
        ArgumentNullException.ThrowIfNull(picture);
        var w = new BitWriter((WidthInMbs * HeightInMbs * 386) + 32);
        IdrSliceHeader(w);
        var block = new byte[384];
        for (var my = 0; my < HeightInMbs; my++)
        {
            for (var mx = 0; mx < WidthInMbs; mx++)
            {
                w.UnsignedExpGolomb(25); // mb_type I_PCM
                w.AlignWithZeros();
                picture.CopyMacroblock(mx, my, block);
                w.Bytes(block);
            }
        }

        w.TrailingBits();
        return w.ToNalUnit(3, 5);
    }

    /// <summary>
    /// A P slice NAL unit: every macroblock P_L0_16x16 from the previous picture displaced by (dx, dy) whole pixels
    /// (the content moves by -dx, -dy), no residual. The predicted vector of every macroblock but the first equals
    /// the vector itself, so only the first carries a non-zero mvd.
    /// </summary>
    public byte[] PredictedSlice(int frameNum, int dx, int dy)
    {
        var w = new BitWriter((WidthInMbs * HeightInMbs / 8) + 64);
        PredictedSliceHeader(w, frameNum);
        var count = WidthInMbs * HeightInMbs;
        for (var i = 0; i < count; i++)
        {
            w.UnsignedExpGolomb(0); // mb_skip_run
            w.UnsignedExpGolomb(0); // mb_type P_L0_16x16 (ref_idx_l0 absent: one reference)
            w.SignedExpGolomb(i == 0 ? dx * 4 : 0); // mvd_l0 x, quarter samples
            w.SignedExpGolomb(i == 0 ? dy * 4 : 0); // mvd_l0 y
            w.UnsignedExpGolomb(0); // coded_block_pattern 0 (inter codeNum 0)
        }

        w.TrailingBits();
        return BitWriter.ToNalUnit(2, 1, w.ToArray());
    }

    /// <summary>
    /// A flat IDR slice NAL unit: every macroblock I_16x16 with DC prediction and no residual (8 bits each), so the
    /// picture is mid-grey (128) throughout. Used for tiny files at any frame size.
    /// </summary>
    public byte[] FlatIdrSlice()
    {
        var w = new BitWriter((WidthInMbs * HeightInMbs) + 32);
        IdrSliceHeader(w);
        var count = WidthInMbs * HeightInMbs;
        for (var i = 0; i < count; i++)
        {
            w.UnsignedExpGolomb(3); // mb_type I_16x16_2_0_0: DC prediction, no chroma or luma AC coefficients
            w.UnsignedExpGolomb(0); // intra_chroma_pred_mode: DC
            w.SignedExpGolomb(0); // mb_qp_delta
            w.Bit(true); // Intra16x16DCLevel coeff_token: TotalCoeff 0 (nC 0: no neighbour has coefficients)
        }

        w.TrailingBits();
        return w.ToNalUnit(3, 5);
    }

    /// <summary>A P slice NAL unit whose macroblocks are all skipped: the previous picture again (a still).</summary>
    public byte[] SkippedSlice(int frameNum)
    {
        var w = new BitWriter(32);
        PredictedSliceHeader(w, frameNum);
        w.UnsignedExpGolomb((uint)(WidthInMbs * HeightInMbs)); // mb_skip_run: every macroblock, then no more data
        w.TrailingBits();
        return BitWriter.ToNalUnit(2, 1, w.ToArray());
    }

    /// <summary>
    /// A user-data-unregistered SEI NAL unit carrying <paramref name="text"/> (UTF-8) under a fixed UUID: names the
    /// task inside a flat video, so no two files are the same.
    /// </summary>
    public static byte[] UserDataSei(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var payload = System.Text.Encoding.UTF8.GetBytes(text);
        var size = 16 + payload.Length;
        var w = new BitWriter(size + 8);
        w.Bits(5, 8); // payloadType: user_data_unregistered
        for (var left = size; ; left -= 255)
        {
            w.Bits((uint)Math.Min(left, 255), 8);
            if (left < 255)
            {
                break;
            }
        }

        w.Bytes(UserDataUuid);
        w.Bytes(payload);
        w.TrailingBits();
        return BitWriter.ToNalUnit(0, 6, w.ToArray());
    }

    /// <summary>A filler data NAL unit of <paramref name="size"/> bytes in all (at least 2): padding to a bitrate.</summary>
    public static byte[] Filler(int size)
    {
        var nal = new byte[Math.Max(2, size)];
        nal[0] = 12;
        nal.AsSpan(1, nal.Length - 2).Fill(0xFF);
        nal[^1] = 0x80;
        return nal;
    }

    private static void IdrSliceHeader(BitWriter w)
    {
        w.UnsignedExpGolomb(0); // first_mb_in_slice
        w.UnsignedExpGolomb(7); // slice_type: I (all slices of the picture)
        w.UnsignedExpGolomb(0); // pic_parameter_set_id
        w.Bits(0, Log2MaxFrameNum); // frame_num
        w.UnsignedExpGolomb(0); // idr_pic_id
        w.Bit(false); // no_output_of_prior_pics_flag
        w.Bit(false); // long_term_reference_flag
        w.SignedExpGolomb(0); // slice_qp_delta
        w.UnsignedExpGolomb(1); // disable_deblocking_filter_idc: off
    }

    private static void PredictedSliceHeader(BitWriter w, int frameNum)
    {
        w.UnsignedExpGolomb(0); // first_mb_in_slice
        w.UnsignedExpGolomb(5); // slice_type: P (all slices of the picture)
        w.UnsignedExpGolomb(0); // pic_parameter_set_id
        w.Bits((uint)frameNum & ((1u << Log2MaxFrameNum) - 1), Log2MaxFrameNum);
        w.Bit(false); // num_ref_idx_active_override_flag
        w.Bit(false); // ref_pic_list_modification_flag_l0
        w.Bit(false); // adaptive_ref_pic_marking_mode_flag (sliding window)
        w.SignedExpGolomb(0); // slice_qp_delta
        w.UnsignedExpGolomb(1); // disable_deblocking_filter_idc: off
    }
}
