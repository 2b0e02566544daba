package blas

// packB copies the kb x nb block of op(B) starting at row pc, column jc
// into dst as ceil(nb/nr) panels of kb rows by nr columns, panel after
// panel, each row of a panel contiguous; columns past nb are zero.
// packGroup is how many panels packB copies per pass over the rows.
var packGroup = 8

func packB(dst []float32, transB bool, b []float32, ldb, pc, kb, jc, nb int) {
	j0 := 0
	if !transB && packBNFast != nil {
		// Whole rows across up to 8 panels at a time.
		group := packGroup
		for ; j0+nr <= nb; j0 += group * nr {
			np := min(group, (nb-j0)/nr)
			src := b[pc*ldb+jc+j0:]
			src = src[:(kb-1)*ldb+np*nr]
			packBNFast(kb, np, src, ldb, dst[j0*kb:j0*kb+np*nr*kb])
		}
		j0 = nb - nb%nr
	}
	for ; j0 < nb; j0 += nr {
		w := min(nr, nb-j0)
		panel := dst[j0*kb : j0*kb+kb*nr]
		if !transB {
			// op(B)[p][j] = b[p*ldb+j]: each panel row is a contiguous copy.
			src := b[pc*ldb+jc+j0:]
			if w < nr {
				clear(panel)
			}
			for p := 0; p < kb; p++ {
				row := panel[p*nr : p*nr+w]
				for jj, v := range src[p*ldb : p*ldb+w] {
					row[jj] = v
				}
			}
			continue
		}
		// op(B)[p][j] = b[j*ldb+p]: read rows of B, write strided.
		p0 := 0
		if w == nr && packBTFast != nil && kb >= 8 {
			src := b[(jc+j0)*ldb+pc:]
			src = src[:(nr-1)*ldb+kb]
			packBTFast(kb/8, src, ldb, panel)
			p0 = kb &^ 7
		}
		for jj := 0; jj < w; jj++ {
			src := b[(jc+j0+jj)*ldb+pc:]
			src = src[:kb]
			for p := p0; p < kb; p++ {
				panel[p*nr+jj] = src[p]
			}
		}
		if w < nr {
			for p := 0; p < kb; p++ {
				for jj := w; jj < nr; jj++ {
					panel[p*nr+jj] = 0
				}
			}
		}
	}
}

// packA copies the mb x kb block of op(A) starting at row ic, column pc
// into dst as ceil(mb/mr) slivers of kb columns by mr rows, each column of
// a sliver contiguous (element (i, p) of sliver s at s*kb*mr + p*mr + i);
// rows past mb are zero.
func packA(dst []float32, transA bool, a []float32, lda, ic, mb, pc, kb int) {
	for i0 := 0; i0 < mb; i0 += mr {
		h := min(mr, mb-i0)
		sl := dst[i0*kb : i0*kb+kb*mr]
		if transA {
			// op(A)[i][p] = a[p*lda+i]: each sliver column is contiguous.
			src := a[pc*lda+ic+i0:]
			if h == mr {
				src = src[:(kb-1)*lda+mr]
				if packATFast != nil {
					packATFast(kb, src, lda, sl)
					continue
				}
				for p := 0; p < kb; p++ {
					d, s := sl[p*mr:p*mr+mr], src[p*lda:p*lda+mr]
					d[0], d[1], d[2], d[3], d[4], d[5] = s[0], s[1], s[2], s[3], s[4], s[5]
				}
				continue
			}
			clear(sl)
			for p := 0; p < kb; p++ {
				col := sl[p*mr : p*mr+h]
				for ii, v := range src[p*lda : p*lda+h] {
					col[ii] = v
				}
			}
			continue
		}
		// op(A)[i][p] = a[i*lda+p]: read rows of A, write strided.
		p0 := 0
		if h == mr && packANFast != nil && kb >= 8 {
			src := a[(ic+i0)*lda+pc:]
			src = src[:(mr-1)*lda+kb]
			packANFast(kb/8, src, lda, sl)
			p0 = kb &^ 7
		}
		for ii := 0; ii < h; ii++ {
			src := a[(ic+i0+ii)*lda+pc:]
			src = src[:kb]
			for p := p0; p < kb; p++ {
				sl[p*mr+ii] = src[p]
			}
		}
		if h < mr {
			for p := 0; p < kb; p++ {
				for ii := h; ii < mr; ii++ {
					sl[p*mr+ii] = 0
				}
			}
		}
	}
}
