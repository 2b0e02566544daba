package session

func (s *Session) Complete(code string, cursor int) Completion            { return Completion{} }
func (s *Session) Inspect(code string, cursor int, detail int) Inspection { return Inspection{} }
func (s *Session) IsComplete(code string) (status, indent string)         { return Unknown, "" }
