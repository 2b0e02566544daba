package blas

func hasAsm() bool {
	setImpl(true)
	return asmOn
}
